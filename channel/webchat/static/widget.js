/*
 * kefu web chat widget. Add it to any page with one tag:
 *
 *   <script src="https://shop.example/chat/widget.js"></script>
 *
 * Optional attributes: data-title, data-open="true", data-lang="en",
 * data-server (base URL of the chat server; where this file came from by
 * default).
 *
 * Everything customers and the bot write is inserted with textContent,
 * never as HTML. Link and image URLs must be http(s).
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.__kefuChat) {
    return;
  }
  window.__kefuChat = true;

  var data = script.dataset || {};
  var server = new URL(data.server || '.', script.src);
  if (server.pathname.slice(-1) !== '/') {
    server.pathname += '/'; // data-server="https://shop.example/chat" means the folder
  }
  var english = (data.lang || '').toLowerCase().indexOf('en') === 0;
  var lang = english ? 'en' : 'zh';
  var T = english ? {
    title: data.title || 'Customer service',
    subtitle: '在线客服',
    open: 'Open chat',
    close: 'Close chat',
    placeholder: 'Type your question…',
    send: 'Send',
    connecting: 'Connecting…',
    online: 'Online',
    offline: 'Connection lost, reconnecting…',
    handoff: 'Connecting you to a person…',
    image: 'Image'
  } : {
    title: data.title || '在线客服',
    subtitle: 'Customer service',
    open: '打开在线客服 Open chat',
    close: '关闭 Close',
    placeholder: '请输入您的问题… Type your question',
    send: '发送',
    connecting: '连接中… Connecting',
    online: '在线 Online',
    offline: '连接已断开，正在重连… Reconnecting',
    handoff: '正在为您转接人工客服… Connecting you to a person',
    image: '图片'
  };

  var storageKey = 'kefu.session:' + server.href;
  function loadSession() {
    try {
      return window.localStorage.getItem(storageKey) || '';
    } catch (e) {
      return '';
    }
  }
  function saveSession(id) {
    try {
      window.localStorage.setItem(storageKey, id);
    } catch (e) {
      /* storage unavailable: the session lasts as long as the page */
    }
  }

  var CSS = [
    ':host{all:initial}',
    '*{box-sizing:border-box;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}',
    '.kefu-bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#1677ff;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center}',
    '.kefu-bubble svg{width:28px;height:28px;fill:currentColor}',
    '.kefu-panel{position:fixed;right:20px;bottom:88px;width:360px;height:540px;max-height:calc(100vh - 108px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483000;color:#1f1f1f;font-size:14px;line-height:1.5}',
    '.kefu-panel[hidden]{display:none}',
    '@media (max-width:480px){.kefu-panel{right:0;bottom:0;width:100vw;height:100vh;max-height:none;border-radius:0}}',
    '.kefu-head{background:#1677ff;color:#fff;padding:10px 14px;display:flex;align-items:center;gap:8px}',
    '.kefu-head-text{flex:1;min-width:0}',
    '.kefu-title{font-weight:600;font-size:15px}',
    '.kefu-status{font-size:12px;opacity:.85}',
    '.kefu-close{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1}',
    '.kefu-log{flex:1;overflow-y:auto;padding:12px;background:#f5f6f8;display:flex;flex-direction:column;gap:8px}',
    '.kefu-msg{max-width:85%;display:flex;flex-direction:column;gap:6px}',
    '.kefu-user{align-self:flex-end;align-items:flex-end}',
    '.kefu-bot{align-self:flex-start;align-items:flex-start}',
    '.kefu-text{padding:8px 12px;border-radius:10px;white-space:pre-wrap;word-break:break-word}',
    '.kefu-user .kefu-text{background:#1677ff;color:#fff}',
    '.kefu-bot .kefu-text{background:#fff;border:1px solid #e5e6eb}',
    '.kefu-image{max-width:100%;border-radius:8px;border:1px solid #e5e6eb;background:#fff}',
    '.kefu-link{color:#1677ff;background:#fff;border:1px solid #e5e6eb;border-radius:10px;padding:8px 12px;text-decoration:none;word-break:break-all}',
    '.kefu-link:hover{text-decoration:underline}',
    '.kefu-quick{display:flex;flex-wrap:wrap;gap:6px}',
    '.kefu-option{border:1px solid #1677ff;color:#1677ff;background:#fff;border-radius:16px;padding:4px 12px;cursor:pointer;font-size:13px}',
    '.kefu-option:hover:not(:disabled){background:#e8f1ff}',
    '.kefu-option:disabled{opacity:.5;cursor:default}',
    '.kefu-note{align-self:center;font-size:12px;color:#86909c;text-align:center;white-space:pre-wrap}',
    '.kefu-error .kefu-text{border-color:#ffccc7;background:#fff2f0}',
    '.kefu-typing{align-self:flex-start;color:#86909c;font-size:18px;letter-spacing:2px;padding:0 6px}',
    '.kefu-form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e6eb;background:#fff}',
    '.kefu-input{flex:1;resize:none;border:1px solid #d0d3d9;border-radius:8px;padding:8px;font-size:14px;height:40px;max-height:120px;outline:none}',
    '.kefu-input:focus{border-color:#1677ff}',
    '.kefu-send{border:0;background:#1677ff;color:#fff;border-radius:8px;padding:0 16px;cursor:pointer;font-size:14px}'
  ].join('\n');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  // safeURL returns u resolved against the chat server when it is http(s),
  // and '' otherwise (javascript:, data:, …).
  function safeURL(u) {
    try {
      var url = new URL(String(u), server);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
    } catch (e) {
      return '';
    }
  }

  var host = el('div');
  host.id = 'kefu-chat';
  var root = host.attachShadow({ mode: 'open' });
  var style = el('style');
  style.textContent = CSS;
  root.appendChild(style);

  var bubble = el('button', 'kefu-bubble');
  bubble.type = 'button';
  bubble.setAttribute('aria-label', T.open);
  bubble.title = T.open;
  var svgNS = 'http://www.w3.org/2000/svg';
  var svg = document.createElementNS(svgNS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  var path = document.createElementNS(svgNS, 'path');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 7a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z');
  svg.appendChild(path);
  bubble.appendChild(svg);

  var panel = el('div', 'kefu-panel');
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', T.title);
  var head = el('div', 'kefu-head');
  var headText = el('div', 'kefu-head-text');
  headText.appendChild(el('div', 'kefu-title', T.title + ' · ' + T.subtitle));
  var status = el('div', 'kefu-status', T.connecting);
  headText.appendChild(status);
  var closeBtn = el('button', 'kefu-close', '×');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', T.close);
  head.appendChild(headText);
  head.appendChild(closeBtn);

  var log = el('div', 'kefu-log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  var typing = el('div', 'kefu-typing', '…');
  typing.hidden = true;

  var form = el('form', 'kefu-form');
  var input = el('textarea', 'kefu-input');
  input.placeholder = T.placeholder;
  input.maxLength = 1000;
  input.rows = 1;
  input.setAttribute('aria-label', T.placeholder);
  var sendBtn = el('button', 'kefu-send', T.send);
  sendBtn.type = 'submit';
  form.appendChild(input);
  form.appendChild(sendBtn);

  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(bubble);

  function scroll() {
    log.appendChild(typing); // keep the typing dots last
    log.scrollTop = log.scrollHeight;
  }

  function addUser(text) {
    var m = el('div', 'kefu-msg kefu-user');
    m.appendChild(el('div', 'kefu-text', text));
    log.appendChild(m);
    scroll();
  }

  function addNote(text) {
    log.appendChild(el('div', 'kefu-note', text));
    scroll();
  }

  function addParts(parts, isError) {
    var m = el('div', 'kefu-msg kefu-bot' + (isError ? ' kefu-error' : ''));
    (parts || []).forEach(function (p) {
      if (!p || typeof p !== 'object') {
        return;
      }
      switch (p.type) {
        case 'text':
          m.appendChild(el('div', 'kefu-text', p.text || ''));
          break;
        case 'image': {
          var src = safeURL(p.url);
          if (!src) {
            m.appendChild(el('div', 'kefu-text', '[' + T.image + '] ' + (p.alt || '')));
            break;
          }
          var img = el('img', 'kefu-image');
          img.alt = p.alt || T.image;
          img.loading = 'lazy';
          img.referrerPolicy = 'no-referrer';
          img.onerror = function () {
            img.replaceWith(el('div', 'kefu-text', '[' + T.image + '] ' + (p.alt || '')));
          };
          img.src = src;
          m.appendChild(img);
          break;
        }
        case 'link': {
          var href = safeURL(p.url);
          if (!href) {
            m.appendChild(el('div', 'kefu-text', p.title || String(p.url || '')));
            break;
          }
          var a = el('a', 'kefu-link', p.title || href);
          a.href = href;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          m.appendChild(a);
          break;
        }
        case 'quick_replies': {
          var box = el('div', 'kefu-quick');
          (p.options || []).forEach(function (o) {
            var b = el('button', 'kefu-option', o.title || o.payload || '');
            b.type = 'button';
            b.addEventListener('click', function () {
              box.querySelectorAll('button').forEach(function (x) {
                x.disabled = true;
              });
              send(o.payload || o.title || '', o.title || o.payload || '');
            });
            box.appendChild(b);
          });
          m.appendChild(box);
          break;
        }
      }
    });
    if (m.childNodes.length) {
      log.appendChild(m);
    }
    scroll();
  }

  // Connection, with reconnection and an outbox for what is typed while
  // offline.
  var ws = null;
  var attempt = 0;
  var greeted = false;
  var started = false;
  var outbox = [];
  var pending = 0;
  var seq = 0;

  function setStatus(s) {
    status.textContent = T[s];
    panel.setAttribute('data-status', s);
  }

  function setPending(n) {
    pending = Math.max(0, n);
    typing.hidden = pending === 0;
    scroll();
  }

  function connect() {
    var u = new URL('ws', server);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    var sid = loadSession();
    if (sid) {
      u.searchParams.set('session_id', sid);
    }
    if (!greeted) {
      u.searchParams.set('greet', '1');
    }
    setStatus('connecting');
    var sock;
    try {
      sock = new WebSocket(u.href);
    } catch (e) {
      retry();
      return;
    }
    ws = sock;
    sock.onopen = function () {
      attempt = 0;
      greeted = true;
      setStatus('online');
      while (outbox.length && sock.readyState === WebSocket.OPEN) {
        sock.send(JSON.stringify(outbox.shift()));
      }
    };
    sock.onmessage = function (ev) {
      var f;
      try {
        f = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      receive(f);
    };
    sock.onclose = function () {
      if (ws !== sock) {
        return;
      }
      ws = null;
      setPending(0);
      setStatus('offline');
      retry();
    };
  }

  function retry() {
    var delay = Math.min(30000, 500 * Math.pow(2, attempt));
    attempt++;
    setTimeout(connect, delay / 2 + Math.random() * delay / 2);
  }

  function receive(f) {
    if (!f || typeof f !== 'object') {
      return;
    }
    if (f.session_id && typeof f.session_id === 'string') {
      saveSession(f.session_id);
    }
    if (f.reply_to) {
      setPending(pending - 1);
    }
    if (f.type === 'reply') {
      addParts(f.replies, false);
      if (f.handoff) {
        addNote(T.handoff);
      }
    } else if (f.type === 'error') {
      if (f.replies && f.replies.length) {
        addParts(f.replies, true);
      } else if (f.error && f.error.message) {
        addNote(f.error.message);
      }
    }
  }

  function send(text, shown) {
    text = String(text).trim();
    if (!text) {
      return;
    }
    addUser(shown || text);
    var f = { type: 'message', id: 'c' + (++seq), text: text, lang: lang };
    setPending(pending + 1);
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(f));
    } else {
      outbox.push(f);
    }
  }

  function open() {
    panel.hidden = false;
    bubble.setAttribute('aria-expanded', 'true');
    if (!started) {
      started = true;
      connect();
    }
    input.focus();
  }

  bubble.addEventListener('click', function () {
    if (panel.hidden) {
      open();
    } else {
      panel.hidden = true;
      bubble.setAttribute('aria-expanded', 'false');
    }
  });
  closeBtn.addEventListener('click', function () {
    panel.hidden = true;
    bubble.setAttribute('aria-expanded', 'false');
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = '';
    send(text);
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });

  function mount() {
    document.body.appendChild(host);
    if (data.open === 'true') {
      open();
    }
  }
  if (document.body) {
    mount();
  } else {
    document.addEventListener('DOMContentLoaded', mount);
  }
})();

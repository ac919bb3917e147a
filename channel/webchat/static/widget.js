/*
 * kefu web chat widget. Add it to any page with one tag:
 *
 *   <script src="https://shop.example/chat/widget.js"></script>
 *
 * Optional attributes: data-title, data-open="true", data-lang (the
 * customer's language; the page's <html lang>, else the browser's, by
 * default), data-server (base URL of the chat server; where this file came
 * from by default).
 *
 * The widget speaks Chinese to Chinese speakers ("zh", "zh-CN", "zh-TW", …)
 * and English to everyone else, and tells the server which, so that the
 * greeting and the bot's replies are in the same language.
 *
 * On phones (at most 480 CSS pixels wide or 560 high) the open chat fills
 * the viewport, stays above the on-screen keyboard and clear of the notch
 * and home indicator, and the chat button hides while it is open.
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

  // pickLang returns 'zh' or 'en': the language of data-lang, else of the
  // page, else of the browser; Chinese when none is known.
  function pickLang() {
    var tags = [data.lang, document.documentElement.getAttribute('lang'), navigator.language];
    for (var i = 0; i < tags.length; i++) {
      var tag = String(tags[i] || '').trim().toLowerCase();
      if (tag) {
        return tag === 'zh' || /^zh[-_]/.test(tag) ? 'zh' : 'en';
      }
    }
    return 'zh';
  }
  var lang = pickLang();
  var T = lang === 'en' ? {
    title: data.title || 'Customer service',
    open: 'Open chat',
    close: 'Close chat',
    placeholder: 'Type your question…',
    input: 'Your message',
    send: 'Send',
    connecting: 'Connecting…',
    online: 'Online',
    offline: 'Connection lost, reconnecting…',
    handoff: 'Connecting you to a person…',
    image: 'Image',
    error: 'Sorry, your message could not be sent. Please try again.',
    errors: {
      text_too_large: 'Your message is too long. Please shorten it.',
      empty_text: 'Please type a message first.',
      invalid_utf8: 'Your message has characters that cannot be sent.'
    }
  } : {
    title: data.title || '在线客服',
    open: '打开在线客服',
    close: '关闭在线客服',
    placeholder: '请输入您的问题…',
    input: '您的消息',
    send: '发送',
    connecting: '连接中…',
    online: '在线',
    offline: '连接已断开，正在重连…',
    handoff: '正在为您转接人工客服…',
    image: '图片',
    error: '抱歉，消息发送失败，请重试。',
    errors: {
      text_too_large: '消息太长了，请精简后再发送。',
      empty_text: '请先输入消息。',
      invalid_utf8: '消息含有无法发送的字符。'
    }
  };

  // PHONE is when the open chat fills the viewport: narrow screens, and
  // short ones (a phone on its side, or with the keyboard up).
  var PHONE = '(max-width: 480px), (max-height: 560px)';
  var phone = window.matchMedia ? window.matchMedia(PHONE) : { matches: false };

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
    '.kefu-bubble{position:fixed;right:calc(20px + env(safe-area-inset-right,0px));bottom:calc(20px + env(safe-area-inset-bottom,0px));width:56px;height:56px;border-radius:50%;border:0;background:#1677ff;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center;-webkit-tap-highlight-color:transparent}',
    '.kefu-bubble svg{width:28px;height:28px;fill:currentColor}',
    '.kefu-panel{position:fixed;right:calc(20px + env(safe-area-inset-right,0px));bottom:calc(88px + env(safe-area-inset-bottom,0px));width:360px;height:540px;max-height:calc(100vh - 108px - env(safe-area-inset-bottom,0px) - env(safe-area-inset-top,0px));background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483001;color:#1f1f1f;font-size:14px;line-height:1.5;-webkit-text-size-adjust:100%;text-size-adjust:100%}',
    '.kefu-panel[hidden]{display:none}',
    '.kefu-head{background:#1677ff;color:#fff;padding:6px 6px 6px 14px;display:flex;align-items:center;gap:8px;flex:none}',
    '.kefu-head-text{flex:1;min-width:0}',
    '.kefu-title{font-weight:600;font-size:15px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.kefu-status{font-size:12px;opacity:.85}',
    '.kefu-close{background:none;border:0;color:#fff;font-size:26px;cursor:pointer;line-height:1;width:44px;height:44px;border-radius:8px;flex:none}',
    '.kefu-close:focus-visible,.kefu-bubble:focus-visible{outline:2px solid #fff;outline-offset:-4px}',
    '.kefu-log{flex:1;min-height:0;overflow-y:auto;overscroll-behavior:contain;-webkit-overflow-scrolling:touch;padding:12px;background:#f5f6f8;display:flex;flex-direction:column;gap:8px}',
    '.kefu-msg{max-width:85%;display:flex;flex-direction:column;gap:6px}',
    '.kefu-user{align-self:flex-end;align-items:flex-end}',
    '.kefu-bot{align-self:flex-start;align-items:flex-start}',
    '.kefu-text{padding:8px 12px;border-radius:10px;white-space:pre-wrap;word-break:break-word;overflow-wrap:anywhere}',
    '.kefu-user .kefu-text{background:#1677ff;color:#fff}',
    '.kefu-bot .kefu-text{background:#fff;border:1px solid #e5e6eb}',
    '.kefu-image{max-width:100%;border-radius:8px;border:1px solid #e5e6eb;background:#fff}',
    '.kefu-link{color:#1677ff;background:#fff;border:1px solid #e5e6eb;border-radius:10px;padding:8px 12px;text-decoration:none;word-break:break-all}',
    '.kefu-link:hover{text-decoration:underline}',
    '.kefu-quick{display:flex;flex-wrap:wrap;gap:6px}',
    '.kefu-option{border:1px solid #1677ff;color:#1677ff;background:#fff;border-radius:18px;padding:6px 14px;min-height:36px;cursor:pointer;font-size:14px;text-align:left}',
    '.kefu-option:hover:not(:disabled){background:#e8f1ff}',
    '.kefu-option:disabled{opacity:.5;cursor:default}',
    '.kefu-note{align-self:center;font-size:12px;color:#86909c;text-align:center;white-space:pre-wrap}',
    '.kefu-error .kefu-text{border-color:#ffccc7;background:#fff2f0}',
    '.kefu-typing{align-self:flex-start;color:#86909c;font-size:18px;letter-spacing:2px;padding:0 6px}',
    '.kefu-form{display:flex;align-items:flex-end;gap:8px;padding:10px;border-top:1px solid #e5e6eb;background:#fff;flex:none}',
    // 16px text: iOS zooms into inputs whose text is smaller.
    '.kefu-input{flex:1;min-width:0;resize:none;border:1px solid #d0d3d9;border-radius:8px;padding:9px 10px;font-size:16px;line-height:1.5;height:44px;max-height:120px;outline:none;color:#1f1f1f;background:#fff;-webkit-appearance:none;appearance:none}',
    '.kefu-input:focus{border-color:#1677ff}',
    '.kefu-send{flex:none;border:0;background:#1677ff;color:#fff;border-radius:8px;padding:0 16px;min-width:64px;height:44px;cursor:pointer;font-size:16px}',
    // Phones: the open chat fills the viewport (the visual viewport when
    // the keyboard is up, see fit), inside the safe area, and hides the
    // chat button that would cover the send button.
    '@media ' + PHONE + '{',
    '.kefu-panel{top:0;left:0;right:0;bottom:0;width:auto;height:auto;max-height:none;border-radius:0;box-shadow:none}',
    '.kefu-panel:not([hidden])~.kefu-bubble{display:none}',
    '.kefu-head{padding-top:calc(6px + env(safe-area-inset-top,0px));padding-left:calc(14px + env(safe-area-inset-left,0px));padding-right:calc(6px + env(safe-area-inset-right,0px))}',
    '.kefu-log{padding-left:calc(12px + env(safe-area-inset-left,0px));padding-right:calc(12px + env(safe-area-inset-right,0px))}',
    '.kefu-form{padding-left:calc(10px + env(safe-area-inset-left,0px));padding-right:calc(10px + env(safe-area-inset-right,0px));padding-bottom:calc(10px + env(safe-area-inset-bottom,0px))}',
    '.kefu-panel.kefu-keyboard .kefu-form{padding-bottom:10px}',
    '.kefu-msg{max-width:90%}',
    '}'
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
  // A speech bubble while the chat is closed, a down arrow while it is open.
  var ICON_CHAT = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 7a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z';
  var ICON_CLOSE = 'M5.3 8.3a1 1 0 0 1 1.4 0L12 13.6l5.3-5.3a1 1 0 1 1 1.4 1.4l-6 6a1 1 0 0 1-1.4 0l-6-6a1 1 0 0 1 0-1.4z';
  path.setAttribute('d', ICON_CHAT);
  svg.setAttribute('aria-hidden', 'true');
  svg.appendChild(path);
  bubble.appendChild(svg);
  bubble.setAttribute('aria-expanded', 'false');

  var panel = el('div', 'kefu-panel');
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', T.title);
  panel.setAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
  var head = el('div', 'kefu-head');
  var headText = el('div', 'kefu-head-text');
  headText.appendChild(el('div', 'kefu-title', T.title));
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
  input.setAttribute('aria-label', T.input);
  input.setAttribute('enterkeyhint', 'send');
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
  var inflight = []; // sent, not yet answered: sent again after a reconnect
  var pending = 0;
  var seq = 0;
  // Message IDs are unique across page loads: the server answers a message
  // it has seen (same ID, same session) with the reply it gave, so one sent
  // again after a lost connection is never handled twice.
  var idBase = (function () {
    var b = new Uint8Array(8);
    (window.crypto || window.msCrypto).getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  })();

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
    u.searchParams.set('lang', lang);
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
        var f = outbox.shift();
        inflight.push(f);
        sock.send(JSON.stringify(f));
      }
      setPending(inflight.length);
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
      // Unanswered messages go first when the connection is back.
      outbox = inflight.concat(outbox);
      inflight = [];
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
      var before = inflight.length;
      inflight = inflight.filter(function (m) { return m.id !== f.reply_to; });
      if (inflight.length < before) {
        setPending(pending - 1);
      }
    }
    if (f.type === 'reply') {
      addParts(f.replies, false);
      if (f.handoff) {
        addNote(T.handoff);
      }
    } else if (f.type === 'error') {
      if (f.replies && f.replies.length) {
        addParts(f.replies, true);
      } else if (f.error) {
        // The server's message is in both languages, for any client; the
        // widget says it in the customer's.
        addNote(T.errors[f.error.code] || T.error);
      }
    }
  }

  function send(text, shown) {
    text = String(text).trim();
    if (!text) {
      return;
    }
    addUser(shown || text);
    var f = { type: 'message', id: idBase + '-' + (++seq), text: text, lang: lang };
    setPending(pending + 1);
    if (ws && ws.readyState === WebSocket.OPEN) {
      inflight.push(f);
      ws.send(JSON.stringify(f));
    } else {
      outbox.push(f);
    }
  }

  // fit keeps the full-viewport chat of a phone inside the visual
  // viewport, which the on-screen keyboard shrinks while the layout
  // viewport (where fixed elements are placed) keeps its size. A pinch
  // zoom changes the visual viewport too, but not its scale of 1; then the
  // chat keeps its place.
  function fit() {
    var vv = window.visualViewport;
    var st = panel.style;
    var kb = false;
    if (!panel.hidden && phone.matches && vv && Math.abs(vv.scale - 1) < 0.01) {
      kb = vv.height < window.innerHeight - 1 || vv.offsetTop > 0;
    }
    panel.classList.toggle('kefu-keyboard', kb);
    if (kb) {
      st.top = vv.offsetTop + 'px';
      st.bottom = 'auto';
      st.height = vv.height + 'px';
      log.scrollTop = log.scrollHeight;
    } else {
      st.top = st.bottom = st.height = '';
    }
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener('resize', fit);
    window.visualViewport.addEventListener('scroll', fit);
  }
  if (phone.addEventListener) {
    phone.addEventListener('change', fit);
  } else if (phone.addListener) {
    phone.addListener(fit); // Safari before 14
  }

  // grow fits the input's height to its text, up to its maximum.
  function grow() {
    input.style.height = '';
    if (input.scrollHeight > input.clientHeight) {
      input.style.height = Math.min(input.scrollHeight + 2, 120) + 'px';
    }
  }
  input.addEventListener('input', grow);

  function setOpen(on) {
    panel.hidden = !on;
    bubble.setAttribute('aria-expanded', String(on));
    bubble.setAttribute('aria-label', on ? T.close : T.open);
    bubble.title = on ? T.close : T.open;
    path.setAttribute('d', on ? ICON_CLOSE : ICON_CHAT);
  }

  function open(byHand) {
    setOpen(true);
    if (!started) {
      started = true;
      connect();
    }
    fit();
    // On a phone, focusing would bring the keyboard up over the greeting
    // before the customer has read it.
    if (byHand && !phone.matches) {
      input.focus();
    }
  }

  function close() {
    setOpen(false);
    fit();
    bubble.focus();
  }

  bubble.addEventListener('click', function () {
    if (panel.hidden) {
      open(true);
    } else {
      close();
    }
  });
  closeBtn.addEventListener('click', close);
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = '';
    grow();
    send(text);
    input.focus();
  });
  // Enter sends, Shift+Enter starts a new line.
  var sentByEnter = false;
  input.addEventListener('keydown', function (e) {
    sentByEnter = false;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sentByEnter = true;
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });
  // Some keyboards and automation tools insert the line break of an Enter
  // whose keydown was prevented; it would be left in the emptied input.
  input.addEventListener('beforeinput', function (e) {
    if (sentByEnter && (e.inputType === 'insertLineBreak' || e.inputType === 'insertParagraph')) {
      e.preventDefault();
    }
    sentByEnter = false;
  });
  input.addEventListener('keyup', function () {
    sentByEnter = false;
  });

  function mount() {
    document.body.appendChild(host);
    if (data.open === 'true') {
      open(false);
    }
  }
  if (document.body) {
    mount();
  } else {
    document.addEventListener('DOMContentLoaded', mount);
  }
})();

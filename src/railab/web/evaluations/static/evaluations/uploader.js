/* Chunked, resumable upload with SHA-256 checks (no build step).
 *
 * The file is cut with Blob.slice; each chunk is sent with its offset and SHA-256. The
 * server tells where to resume (GET status); the SHA-256 of the whole file is computed
 * incrementally here and checked by the server at the end. An interrupted upload is
 * remembered in localStorage and resumes when the same file is chosen again.
 */
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);

  /* Incremental SHA-256 (FIPS 180-4): WebCrypto only hashes a whole buffer at once. */
  function Sha256() {
    this.h = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    ]);
    this.block = new Uint8Array(64);
    this.used = 0;
    this.length = 0;
    this.w = new Uint32Array(64);
  }

  Sha256.prototype.compress = function (bytes, at) {
    var w = this.w, h = this.h, i, t1, t2;
    for (i = 0; i < 16; i++) {
      w[i] = (bytes[at + 4 * i] << 24) | (bytes[at + 4 * i + 1] << 16) | (bytes[at + 4 * i + 2] << 8) | bytes[at + 4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
      var a = w[i - 15], b = w[i - 2];
      var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    var A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
    for (i = 0; i < 64; i++) {
      t1 = (H + (((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7))) +
        ((E & F) ^ (~E & G)) + K[i] + w[i]) | 0;
      t2 = ((((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10))) +
        ((A & B) ^ (A & C) ^ (B & C))) | 0;
      H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
    }
    h[0] += A; h[1] += B; h[2] += C; h[3] += D; h[4] += E; h[5] += F; h[6] += G; h[7] += H;
  };

  Sha256.prototype.update = function (bytes) {
    var i = 0, n = bytes.length;
    this.length += n;
    if (this.used) {
      while (this.used < 64 && i < n) this.block[this.used++] = bytes[i++];
      if (this.used < 64) return this;
      this.compress(this.block, 0);
      this.used = 0;
    }
    for (; i + 64 <= n; i += 64) this.compress(bytes, i);
    while (i < n) this.block[this.used++] = bytes[i++];
    return this;
  };

  Sha256.prototype.hex = function () {
    var bits = this.length * 8;
    var pad = new Uint8Array(((this.used < 56) ? 56 : 120) - this.used + 8);
    pad[0] = 0x80;
    var high = Math.floor(bits / 0x100000000), low = bits >>> 0, end = pad.length;
    for (var j = 0; j < 4; j++) {
      pad[end - 1 - j] = (low >>> (8 * j)) & 0xff;
      pad[end - 5 - j] = (high >>> (8 * j)) & 0xff;
    }
    var length = this.length;
    this.update(pad);
    this.length = length;
    var out = "";
    for (var k = 0; k < 8; k++) out += ("00000000" + this.h[k].toString(16)).slice(-8);
    return out;
  };

  function hexOf(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += ("0" + bytes[i].toString(16)).slice(-2);
    return out;
  }

  function chunkHash(bytes) {
    if (window.crypto && window.crypto.subtle) {
      return window.crypto.subtle.digest("SHA-256", bytes).then(hexOf);
    }
    return Promise.resolve(new Sha256().update(bytes).hex());
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function readSlice(file, start, end) {
    return file.slice(start, end).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  function json(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      return { ok: response.ok, status: response.status, body: body };
    });
  }

  function setup(form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var message = form.querySelector("[data-upload-message]");
    var button = form.querySelector("button[type=submit]");
    var chunkSize = parseInt(form.dataset.chunkSize, 10) || 8388608;
    var d = form.dataset;

    function say(text, isError) {
      message.textContent = text;
      message.className = isError ? "message error" : "";
      if (isError) message.setAttribute("role", "alert"); else message.removeAttribute("role");
    }

    function show(done, total) {
      bar.hidden = false;
      bar.value = total ? Math.floor((100 * done) / total) : 0;
    }

    function post(url, body, headers) {
      var all = { "X-CSRFToken": csrfToken() };
      for (var k in headers) all[k] = headers[k];
      return fetch(url, { method: "POST", body: body, headers: all, credentials: "same-origin" }).then(json);
    }

    function hashPrefix(file, upTo) {
      var hasher = new Sha256(), at = 0;
      if (upTo > 0) say(d.msgHashing);
      function step() {
        if (at >= upTo) return Promise.resolve(hasher);
        var end = Math.min(upTo, at + chunkSize);
        return readSlice(file, at, end).then(function (bytes) {
          hasher.update(bytes);
          at = end;
          show(at, file.size);
          return step();
        });
      }
      return step();
    }

    function begin(file, key) {
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved) {
        return fetch(saved.status_url, { credentials: "same-origin" }).then(json).then(function (r) {
          if (r.ok && r.body.status === "uploading") {
            say(d.msgResume);
            saved.offset = r.body.offset;
            return saved;
          }
          localStorage.removeItem(key);
          return begin(file, key);
        });
      }
      var body = JSON.stringify({ name: file.name, size: file.size, evaluation: d.evaluation || "" });
      return post(d.startUrl, body, { "Content-Type": "application/json" }).then(function (r) {
        if (!r.ok) throw new Error(r.body.error || String(r.status));
        localStorage.setItem(key, JSON.stringify(r.body));
        return r.body;
      });
    }

    function upload(file) {
      var key = "railab-upload:" + [file.name, file.size, file.lastModified, d.evaluation || ""].join(":");
      var session, hasher, offset;
      return begin(file, key).then(function (s) {
        session = s;
        offset = s.offset || 0;
        return hashPrefix(file, offset);
      }).then(function (h) {
        hasher = h;
        function next() {
          if (offset >= file.size) return Promise.resolve();
          var end = Math.min(file.size, offset + chunkSize);
          return readSlice(file, offset, end).then(function (bytes) {
            return chunkHash(bytes).then(function (digest) {
              say(d.msgSending + " " + Math.floor((100 * offset) / file.size) + " %");
              return post(session.chunk_url, bytes, {
                "Content-Type": "application/octet-stream",
                "X-Upload-Offset": String(offset),
                "X-Chunk-SHA256": digest
              });
            }).then(function (r) {
              if (r.ok) {
                hasher.update(bytes);
                offset = r.body.offset;
                show(offset, file.size);
                return next();
              }
              if (r.status === 409 && typeof r.body.offset === "number") {
                offset = r.body.offset;  /* the server holds another amount: hash up to it again */
                return hashPrefix(file, offset).then(function (h2) { hasher = h2; return next(); });
              }
              localStorage.removeItem(key);
              throw new Error(r.body.error || String(r.status));
            });
          });
        }
        return next();
      }).then(function () {
        say(d.msgVerifying);
        var body = JSON.stringify({ sha256: hasher.hex(), evaluation: d.evaluation || "" });
        return post(session.complete_url, body, { "Content-Type": "application/json" });
      }).then(function (r) {
        localStorage.removeItem(key);
        if (!r.ok) throw new Error(r.body.error || String(r.status));
        say(d.msgDone);
        window.location.assign(r.body.next_url);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = input.files && input.files[0];
      if (!file) return;
      button.disabled = true;
      upload(file).catch(function (error) {
        if (error instanceof TypeError) say(d.msgNetwork, true);
        else say(d.msgFailed + " " + error.message, true);
      }).then(function () { button.disabled = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("uploader");
    if (form) setup(form);
  });
  window.railabSha256 = Sha256;  /* for tests */
})();

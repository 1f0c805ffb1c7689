// neurx playground page: talks to the server's JSON API and draws its event stream.
// The server trains; this file only sends settings and actions and paints what it receives.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const S = {
    id: null, options: null, params: null, setup: null, frame: null,
    history: [], playing: false, drawQueued: false, events: null,
  };
  const LABELS = {
    "x1": "X\u2081", "x2": "X\u2082", "x1^2": "X\u2081\u00b2", "x2^2": "X\u2082\u00b2",
    "x1*x2": "X\u2081X\u2082", "sin(x1)": "sin(X\u2081)", "sin(x2)": "sin(X\u2082)",
  };
  const NODE = 40, ROW = 52, TOP = 30;

  // ------------------------------------------------------------------ colors
  const PALETTE = new Uint8ClampedArray(256 * 4);
  (() => {
    const blue = [8, 119, 189], orange = [245, 147, 34];
    for (let b = 0; b < 256; b++) {
      const t = b / 127.5 - 1, to = t >= 0 ? blue : orange, k = Math.min(1, Math.abs(t));
      for (let c = 0; c < 3; c++) PALETTE[b * 4 + c] = Math.round(255 + (to[c] - 255) * k);
      PALETTE[b * 4 + 3] = 255;
    }
  })();

  function decode(b64) {
    const text = atob(b64), bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function paint(canvas, b64, size) {
    const bytes = decode(b64);
    if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
    const ctx = canvas.getContext("2d"), image = ctx.createImageData(size, size);
    for (let i = 0; i < bytes.length; i++) image.data.set(PALETTE.subarray(bytes[i] * 4, bytes[i] * 4 + 4), i * 4);
    ctx.putImageData(image, 0, 0);
  }

  // ------------------------------------------------------------------ messages
  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }
  function setStatus(text) { $("status").textContent = text || ""; }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method, headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let payload;
    try { payload = await response.json(); } catch (err) { payload = { error: `The server answered ${response.status} without JSON.` }; }
    if (!response.ok) throw new Error(payload.error || `The server answered ${response.status}.`);
    return payload;
  }

  // Changes go one after the other, each computed from the settings the previous one left
  // (`changes` may be a function of the current settings), so quick clicks add up.
  function sendParams(changes) {
    S.queue = (S.queue || Promise.resolve()).then(() =>
      postParams(typeof changes === "function" ? changes(S.params) : changes));
    return S.queue;
  }

  async function postParams(changes) {
    setStatus("Updating the network\u2026");
    try {
      const result = await api("POST", `/api/sessions/${S.id}/params`, changes);
      showError("");
      S.params = result.params;
    } catch (err) {
      showError(err.message);
      setStatus("");
    }
    syncControls();
  }

  async function control(action) {
    try {
      const result = await api("POST", `/api/sessions/${S.id}/control`, { action });
      S.playing = result.playing;
      showError("");
    } catch (err) { showError(err.message); }
    syncControls();
  }

  // ------------------------------------------------------------------ controls
  function fillSelect(select, values) {
    select.innerHTML = "";
    for (const value of values) select.add(new Option(value, value));
  }

  function syncControls() {
    const p = S.params;
    if (!p) return;
    for (const el of document.querySelectorAll("[data-param]")) {
      const value = p[el.dataset.param];
      if (el.tagName === "SELECT" && el.dataset.type === "number" &&
          ![...el.options].some((o) => Number(o.value) === value)) {
        el.add(new Option(String(value), String(value)));
      }
      if (el.tagName === "SELECT" && el.dataset.type === "number") {
        el.value = [...el.options].find((o) => Number(o.value) === value).value;
      } else {
        el.value = value;
      }
      const out = $(`${el.id}-value`);
      if (out) out.textContent = value;
    }
    for (const button of $("datasets").children) {
      button.classList.toggle("selected", button.dataset.dataset === p.dataset);
    }
    $("layer-count").textContent = p.hidden.length;
    const play = $("play");
    play.classList.toggle("playing", S.playing);
    play.innerHTML = S.playing ? "&#x275A;&#x275A;" : "&#x25B6;";
  }

  function wireControls() {
    fillSelect($("activation"), S.options.activations);
    fillSelect($("regularization"), S.options.regularizations);
    for (const el of document.querySelectorAll("[data-param]")) {
      el.addEventListener("change", () => {
        const value = el.dataset.type === "number" ? Number(el.value) : el.value;
        sendParams({ [el.dataset.param]: value });
      });
      el.addEventListener("input", () => {
        const out = $(`${el.id}-value`);
        if (out) out.textContent = el.value;
      });
    }
    for (const name of S.options.datasets) {
      const button = document.createElement("button");
      button.id = `dataset-${name}`;
      button.dataset.dataset = name;
      button.textContent = { circle: "Circle", xor: "XOR", gauss: "Gaussian", spiral: "Spiral" }[name] || name;
      button.addEventListener("click", () => sendParams({ dataset: name }));
      $("datasets").appendChild(button);
    }
    $("play").addEventListener("click", () => control(S.playing ? "pause" : "play"));
    $("step").addEventListener("click", () => control("step"));
    $("reset").addEventListener("click", () => control("reset"));
    $("regenerate").addEventListener("click", () => control("regenerate"));
    $("add-layer").addEventListener("click", () => sendParams((p) => ({ hidden: [...p.hidden, 2] })));
    $("remove-layer").addEventListener("click", () => sendParams((p) => ({ hidden: p.hidden.slice(0, -1) })));
    $("show-test").addEventListener("change", queueDraw);
    $("show-code").addEventListener("click", showCode);
    $("copy-code").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("code").textContent));
  }

  async function showCode() {
    try {
      const result = await api("GET", `/api/sessions/${S.id}/code`);
      $("code").textContent = result.code;
      $("code-dialog").showModal();
    } catch (err) { showError(err.message); }
  }

  // ------------------------------------------------------------------ the network
  function buildNetwork(setup) {
    const net = $("network");
    net.innerHTML = "";
    const columns = [S.options.features, ...setup.params.hidden.map((n) => Array(n).fill(null)), [null]];
    const width = Math.max(net.clientWidth, 360);
    const step = Math.min(150, (width - NODE - 60) / (columns.length - 1));
    const height = TOP + Math.max(...columns.map((c) => c.length)) * ROW + 10;
    net.style.height = `${height}px`;
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    net.appendChild(svg);
    const positions = [];   // per column: [x, y] of the nodes that take part
    columns.forEach((column, c) => {
      const x = 50 + c * step, nodes = [];
      const title = document.createElement("div");
      title.className = "column-title";
      title.style.left = `${x - 10}px`;
      title.textContent = c === 0 ? "Features" : c === columns.length - 1 ? "Output" : `${column.length} neurons`;
      net.appendChild(title);
      if (c > 0 && c < columns.length - 1) addNeuronButtons(net, c - 1, x, height);
      column.forEach((feature, j) => {
        const node = document.createElement("div"), canvas = document.createElement("canvas");
        const y = TOP + j * ROW;
        node.style.left = `${x}px`;
        node.style.top = `${y}px`;
        node.appendChild(canvas);
        if (c === 0) {
          const on = setup.features.includes(feature);
          node.className = `node feature${on ? "" : " off"}`;
          node.id = `feature-${feature}`;
          node.title = on ? `${feature}: click to remove this input` : `${feature}: click to add this input`;
          const label = document.createElement("span");
          label.className = "label";
          label.textContent = LABELS[feature] || feature;
          node.appendChild(label);
          node.addEventListener("click", () => toggleFeature(feature));
          if (on) {
            paint(canvas, setup.feature_maps[setup.features.indexOf(feature)], setup.map_size);
            nodes.push([x, y]);
          }
        } else {
          node.className = "node neuron";
          node.dataset.layer = c - 1;
          node.dataset.index = j;
          nodes.push([x, y]);
        }
        net.appendChild(node);
      });
      positions.push(nodes);
    });
    const links = [];
    for (let l = 0; l + 1 < positions.length; l++) {
      links.push(positions[l].map(([x0, y0]) => positions[l + 1].map(([x1, y1]) => {
        const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        const a = x0 + NODE, b = y0 + NODE / 2, d = y1 + NODE / 2, mid = (a + x1) / 2;
        path.setAttribute("d", `M${a},${b} C${mid},${b} ${mid},${d} ${x1},${d}`);
        path.setAttribute("fill", "none");
        svg.appendChild(path);
        return path;
      })));
    }
    S.links = links;
    S.neurons = [...net.querySelectorAll(".neuron canvas")];
  }

  function addNeuronButtons(net, layer, x, height) {
    const box = document.createElement("div");
    box.className = "layer-buttons";
    box.style.left = `${x - 4}px`;
    box.style.top = `${height - 2}px`;
    for (const [text, delta] of [["+", 1], ["\u2212", -1]]) {
      const button = document.createElement("button");
      button.className = "small";
      button.textContent = text;
      button.title = delta > 0 ? "Add a neuron" : "Remove a neuron";
      button.addEventListener("click", () => sendParams((p) => {
        const hidden = [...p.hidden];
        hidden[layer] += delta;
        return { hidden };
      }));
      box.appendChild(button);
    }
    net.appendChild(box);
    net.style.height = `${height + 30}px`;
  }

  function toggleFeature(feature) {
    sendParams((p) => ({
      features: p.features.includes(feature) ? p.features.filter((f) => f !== feature) : [...p.features, feature],
    }));
  }

  // ------------------------------------------------------------------ drawing a frame
  function queueDraw() {
    if (!S.drawQueued) { S.drawQueued = true; requestAnimationFrame(draw); }
  }

  function draw() {
    S.drawQueued = false;
    const f = S.frame, setup = S.setup;
    if (!f || !setup || f.generation !== setup.generation) return;
    $("epoch").textContent = f.epoch;
    const fmt = (v) => (v === null ? "diverged" : v.toFixed(3));
    $("loss-train").textContent = fmt(f.train_loss);
    $("loss-test").textContent = fmt(f.test_loss);
    setStatus(f.diverged ? "The weights diverged: lower the learning rate and reset." : "");
    drawHeatmap(f, setup);
    let k = 0;
    f.maps.forEach((layer) => layer.forEach((map) => { if (S.neurons[k]) paint(S.neurons[k], map, setup.map_size); k++; }));
    f.kernels.forEach((kernel, l) => kernel.forEach((row, i) => row.forEach((w, j) => {
      const path = S.links[l] && S.links[l][i] && S.links[l][i][j];
      if (!path) return;
      path.setAttribute("stroke", w >= 0 ? "#0877bd" : "#f59322");
      path.setAttribute("stroke-width", Math.min(8, 0.5 + Math.abs(w) * 2).toFixed(2));
      path.setAttribute("stroke-opacity", "0.7");
    })));
    drawLossCurve();
  }

  function drawHeatmap(f, setup) {
    const canvas = $("heatmap"), ctx = canvas.getContext("2d");
    const off = S.offscreen || (S.offscreen = document.createElement("canvas"));
    paint(off, f.surface, setup.grid_size);
    ctx.imageSmoothingEnabled = true;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.globalAlpha = 0.65;                   // a lighter surface, so the points stand out
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
    ctx.globalAlpha = 1;
    const scale = canvas.width / (2 * setup.domain);
    const dot = (row, stroke) => {
      ctx.beginPath();
      ctx.arc((row[0] + setup.domain) * scale, (setup.domain - row[1]) * scale, 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = row[2] > 0.5 ? "#0877bd" : "#f59322";
      ctx.fill();
      ctx.strokeStyle = stroke;
      ctx.stroke();
    };
    setup.train.forEach((row) => dot(row, "#fff"));
    if ($("show-test").checked) setup.test.forEach((row) => dot(row, "#000"));
  }

  function recordLoss(f) {
    const h = S.history, last = h[h.length - 1];
    if (last && (f.epoch < last.epoch || f.generation !== last.generation && f.epoch === 0)) h.length = 0;
    if (f.train_loss === null) return;
    if (!h.length || h[h.length - 1].epoch !== f.epoch) h.push({ epoch: f.epoch, generation: f.generation, train: f.train_loss, test: f.test_loss });
    if (h.length > 600) S.history = h.filter((_, i) => i % 2 === 0);
  }

  function drawLossCurve() {
    const canvas = $("loss-curve"), ctx = canvas.getContext("2d"), h = S.history;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (h.length < 2) return;
    const top = Math.max(...h.map((p) => Math.max(p.train, p.test)), 1e-3);
    const x = (i) => (i / (h.length - 1)) * (canvas.width - 4) + 2;
    const y = (v) => canvas.height - 2 - (Math.min(v, top) / top) * (canvas.height - 4);
    for (const [key, color] of [["test", "#333"], ["train", "#999"]]) {
      ctx.beginPath();
      h.forEach((p, i) => (i ? ctx.lineTo(x(i), y(p[key])) : ctx.moveTo(x(i), y(p[key]))));
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
  }

  // ------------------------------------------------------------------ the stream
  function listen() {
    const events = new EventSource(`/api/sessions/${S.id}/events`);
    S.events = events;
    events.addEventListener("setup", (e) => {
      S.setup = JSON.parse(e.data);
      S.params = S.setup.params;
      buildNetwork(S.setup);
      syncControls();
    });
    events.addEventListener("frame", (e) => {
      S.frame = JSON.parse(e.data);
      if (S.playing !== S.frame.playing) { S.playing = S.frame.playing; syncControls(); }
      recordLoss(S.frame);
      setStatus("");
      queueDraw();
    });
    events.addEventListener("failure", (e) => showError(JSON.parse(e.data).error));
    events.onerror = () => {
      if (events.readyState === EventSource.CLOSED) {
        showError("This playground session has ended (the server stopped or closed it). Reload the page to start a new one.");
      } else {
        setStatus("The connection to the server was lost; retrying\u2026");
      }
    };
  }

  async function start() {
    try {
      const created = await api("POST", "/api/sessions", {});
      Object.assign(S, { id: created.id, options: created.options, params: created.params });
    } catch (err) {
      showError(err.message);
      return;
    }
    document.body.dataset.session = S.id;
    wireControls();
    syncControls();
    setStatus("Compiling the network with XLA\u2026");
    listen();
    window.addEventListener("pagehide", () => {
      if (S.events) S.events.close();
      navigator.sendBeacon(`/api/sessions/${S.id}/close`);
    });
  }

  start();
})();

// Lapse console. Everything a job carries is put on the page with textContent, never as markup.
"use strict";
(function () {
  const token = document.querySelector('meta[name="lapse-token"]').content;
  // Recent runs are the jobs this page saw pending and then saw leave: their story (Get Job) tells how each ended.
  const state = { pendingToken: null, deadToken: null, filter: {}, countdowns: [], watched: new Map(), runs: [] };

  async function call(operation, body) {
    const response = await fetch("/console/api/" + operation, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Lapse-Console-Token": token },
      body: JSON.stringify(body || {})
    });
    const answer = await response.json();
    if (!response.ok || answer.ok === false) {
      const error = answer.error;
      throw new Error(error && typeof error === "object"
        ? error.code + ": " + (error.message || error.problem)
        : (error || response.status) + ": " + (answer.message || "request failed"));
    }
    return answer;
  }

  function say(text, isError) {
    const status = document.getElementById("status");
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function cell(row, label, text, className) {
    const td = document.createElement("td");
    td.dataset.label = label;
    td.textContent = text === undefined || text === null ? "" : String(text);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function payloadText(job) {
    const payload = job.payload;
    if (payload === undefined || payload === null) {
      return "";
    }
    return typeof payload === "string" ? payload : JSON.stringify(payload);
  }

  /** A recurring job's recurrence as text ("every PT30S", "cron(0 9 ? * MON *) Europe/Warsaw"); "" for a one-time job. */
  function repeatsText(job) {
    const r = job.series && job.series.recurrence;
    if (!r) {
      return "";
    }
    return (r.every ? "every " + r.every : r.cron + " " + (r.timezone || "UTC")) + " · #" + job.series.sequence;
  }

  /** A button of class className showing text in parent, calling onClick. */
  function button(parent, className, text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.addEventListener("click", onClick);
    parent.appendChild(b);
    return b;
  }

  function jobButton(row, jobId) {
    button(cell(row, "Job", ""), "job-link", jobId, () => showJob(jobId));
  }

  function countdown(dueAt) {
    const ms = Date.parse(dueAt) - Date.now();
    if (isNaN(ms)) {
      return "";
    }
    if (ms <= 0) {
      return "due now";
    }
    const s = Math.floor(ms / 1000);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + "h " : "") + (h || m ? m + "m " : "") + sec + "s";
  }

  function tick() {
    state.countdowns.forEach(({ td, dueAt }) => { td.textContent = countdown(dueAt); });
  }

  async function loadPending(more) {
    const detail = Object.assign({ state: "pending", limit: 50 }, state.filter);
    if (more && state.pendingToken) {
      detail.nextToken = state.pendingToken;
    }
    try {
      const answer = await call("request", { "detail-type": "List Jobs", detail: detail });
      const body = document.querySelector("#pending tbody");
      if (!more) {
        body.replaceChildren();
        state.countdowns = [];
      }
      (answer.jobs || []).forEach(job => {
        const row = document.createElement("tr");
        row.dataset.jobId = job.jobId;
        jobButton(row, job.jobId);
        cell(row, "Type", job.jobType || job.type);
        cell(row, "Due", job.dueAt);
        const td = cell(row, "Due in", countdown(job.dueAt), "num countdown");
        state.countdowns.push({ td: td, dueAt: job.dueAt });
        cell(row, "Repeats", repeatsText(job), "repeats");
        cell(row, "Payload", payloadText(job), "payload");
        button(cell(row, "Actions", ""), "cancel", "Cancel", () => cancelJob(job.jobId));
        body.appendChild(row);
      });
      const listedNow = new Set((answer.jobs || []).map(job => job.jobId));
      (answer.jobs || []).forEach(job => state.watched.set(job.jobId, job.dueAt));
      if (!more && !state.pendingToken) {
        // a whole first page: a watched job due before its last row that is no longer listed has left the pending set
        const last = (answer.jobs || []).length ? answer.jobs[answer.jobs.length - 1].dueAt : null;
        [...state.watched.keys()].filter(id => !listedNow.has(id) && (answer.nextToken == null || state.watched.get(id) <= last))
          .forEach(id => { state.watched.delete(id); recordRun(id); });
      }
      state.pendingToken = answer.nextToken || null;
      document.getElementById("pending-more").hidden = !state.pendingToken;
    } catch (e) {
      say(e.message, true);
    }
  }

  async function recordRun(jobId) {
    try {
      const answer = await call("request", { "detail-type": "Get Job", detail: { jobId: jobId } });
      const last = (answer.history || [])[0];
      if (!last) {
        return;
      }
      state.runs.unshift(Object.assign({ jobId: jobId, jobType: answer.job && answer.job.jobType, state: answer.job && answer.job.state }, last));
      state.runs = state.runs.slice(0, 200);
      showRuns();
    } catch (e) {
      say(e.message, true);
    }
  }

  /** Outcomes are told by a sign as well as by colour-free text: ✓ ran, ✗ failed or retried, – cancelled. */
  function outcomeClass(outcome) {
    return /FAIL|DEAD|RETRY/i.test(String(outcome)) ? "outcome-failed" : outcome === "CANCELLED" ? "outcome-cancelled" : "outcome-ok";
  }

  function percentile(values, p) {
    const sorted = values.slice().sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
  }

  function showRuns() {
    const body = document.querySelector("#runs tbody");
    body.replaceChildren();
    state.runs.forEach(r => {
      const row = document.createElement("tr");
      row.dataset.jobId = r.jobId;
      jobButton(row, r.jobId);
      cell(row, "Type", r.jobType);
      cell(row, "Due", r.dueAt);
      cell(row, "Fired", r.firedAt);
      cell(row, "Late (ms)", r.latenessMs, "num lateness");
      cell(row, "Trigger", r.trigger);
      cell(row, "Outcome", r.outcome, outcomeClass(r.outcome));
      body.appendChild(row);
    });
    const recent = state.runs.filter(r => r.outcome === "RAN" && Date.now() - Date.parse(r.firedAt) < 5 * 60000);
    document.getElementById("fig-runs").textContent = state.runs.length
      ? String(state.runs.filter(r => r.outcome === "RAN" && Date.now() - Date.parse(r.firedAt) < 60000).length) : "–";
    document.getElementById("fig-lateness").textContent = recent.length
      ? percentile(recent.map(r => r.latenessMs), 50) + " / " + percentile(recent.map(r => r.latenessMs), 99) + " ms" : "–";
  }

  async function cancelJob(jobId) {
    if (!window.confirm("Cancel job " + jobId + "? It will not run.")) {
      return;
    }
    try {
      const answer = await call("request", { "detail-type": "Cancel Job", detail: { jobId: jobId } });
      say("Job " + jobId + ": " + (answer.outcome || answer.status || "cancelled"));
      loadPending(false);
    } catch (e) {
      say(e.message, true);
    }
  }

  async function showJob(jobId) {
    select("job");
    document.querySelector('#job-form input[name="jobId"]').value = jobId;
    try {
      const answer = await call("request", { "detail-type": "Get Job", detail: { jobId: jobId } });
      const job = answer.job || {};
      const summary = document.getElementById("job-summary");
      summary.replaceChildren();
      const list = document.createElement("dl");
      [["Job", job.jobId || jobId], ["State", job.state], ["Type", job.jobType || job.type], ["Due", job.dueAt],
       ["Repeats", repeatsText(job)], ["Next runs", (job.nextRuns || []).join(", ")],
       ["Payload", payloadText(job)]].forEach(([name, value]) => {
        if (value === undefined || value === null || value === "") {
          return;
        }
        const dt = document.createElement("dt");
        dt.textContent = name;
        const dd = document.createElement("dd");
        dd.textContent = String(value);
        dd.dataset.field = name.toLowerCase().replace(" ", "-");
        list.append(dt, dd);
      });
      summary.appendChild(list);
      const body = document.querySelector("#history tbody");
      body.replaceChildren();
      (answer.history || []).forEach(h => {
        const row = document.createElement("tr");
        cell(row, "Occurrence", h.occurrenceId);
        cell(row, "Attempt", h.attempt, "num");
        cell(row, "Due", h.dueAt);
        cell(row, "Fired", h.firedAt);
        cell(row, "Late (ms)", h.latenessMs, "num");
        cell(row, "Trigger", h.trigger);
        cell(row, "Outcome", h.outcome, outcomeClass(h.outcome));
        cell(row, "Error", h.error);
        body.appendChild(row);
      });
    } catch (e) {
      say(e.message, true);
    }
  }

  async function loadDead(more) {
    const detail = { state: "dead-lettered", limit: 50 };
    if (more && state.deadToken) {
      detail.nextToken = state.deadToken;
    }
    try {
      const answer = await call("request", { "detail-type": "List Jobs", detail: detail });
      const body = document.querySelector("#dead tbody");
      if (!more) {
        body.replaceChildren();
      }
      (answer.jobs || []).forEach(job => {
        const row = document.createElement("tr");
        row.dataset.jobId = job.jobId;
        jobButton(row, job.jobId);
        cell(row, "Type", job.jobType || job.type);
        cell(row, "Reason", job.reason || job.error);
        cell(row, "Payload", payloadText(job), "payload");
        button(cell(row, "Actions", ""), "replay", "Replay", () => replayJob(job.jobId));
        body.appendChild(row);
      });
      state.deadToken = answer.nextToken || null;
      document.getElementById("dead-more").hidden = !state.deadToken;
    } catch (e) {
      say(e.message, true);
    }
  }

  async function replayJob(jobId) {
    if (!window.confirm("Replay job " + jobId + "? It is put back on schedule and runs again.")) {
      return;
    }
    try {
      const answer = await call("replay", { jobId: jobId });
      const replayed = (answer.replayed || []).includes(jobId);
      say(replayed ? "Job " + jobId + " replayed" : "Job " + jobId + " was not replayed: " + JSON.stringify(answer), !replayed);
      loadDead(false);
    } catch (e) {
      say(e.message, true);
    }
  }

  async function loadFigures() {
    try {
      const figures = await call("figures", {});
      const text = (value, unit) => value === undefined || value === null ? "–" : value + (unit || "");
      document.getElementById("fig-dead").textContent = text(figures.deadLetters);

    } catch (e) {
      say(e.message, true);
    }
  }

  function select(view) {
    say("");
    document.querySelectorAll("nav button").forEach(b => b.setAttribute("aria-pressed", String(b.dataset.view === view)));
    document.querySelectorAll("main section").forEach(s => { s.hidden = s.id !== "view-" + view; });
    if (view === "pending") {
      loadPending(false);
    } else if (view === "dead") {
      loadDead(false);
    } else if (view === "runs") {
      loadFigures();
    }
  }

  document.querySelectorAll("nav button").forEach(b => b.addEventListener("click", () => select(b.dataset.view)));
  document.getElementById("pending-filter").addEventListener("submit", event => {
    event.preventDefault();
    const form = new FormData(event.target);
    say("");
    state.watched.clear(); // jobs outside the new filter leave the list without having run
    state.filter = {};
    ["jobType", "dueFrom", "dueTo"].forEach(name => {
      const value = String(form.get(name) || "").trim();
      if (value) {
        state.filter[name] = value;
      }
    });
    loadPending(false);
  });
  document.getElementById("pending-more").addEventListener("click", () => loadPending(true));
  document.getElementById("dead-more").addEventListener("click", () => loadDead(true));
  document.getElementById("job-form").addEventListener("submit", event => {
    event.preventDefault();
    showJob(String(new FormData(event.target).get("jobId")).trim());
  });
  setInterval(tick, 1000);
  setInterval(loadFigures, 5000);
  setInterval(() => {
    if (!document.getElementById("view-pending").hidden || !document.getElementById("view-runs").hidden) {
      if (!state.pendingToken) {
        loadPending(false);
      }
    }
  }, 2000);
  loadFigures();
  select("pending");
}());

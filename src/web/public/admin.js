// The admin page's only script: live progress of a bulk replay. Everything else works without it.
'use strict'
;(function () {
  const box = document.getElementById('job')
  if (!box) return
  const url = box.getAttribute('data-progress-url')
  const labels = document.getElementById('job-labels')
  function set (id, text) { const el = document.getElementById(id); if (el) el.textContent = String(text) }
  function tick () {
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null })
      .then(function (j) {
        if (!j) return setTimeout(tick, 2000)
        const bar = document.getElementById('job-progress')
        bar.max = Math.max(1, j.matched)
        bar.value = j.done + j.skipped
        set('job-matched', j.matched)
        set('job-done', j.done)
        set('job-skipped', j.skipped)
        const state = document.getElementById('job-state')
        state.setAttribute('data-state', j.state)
        state.textContent = (labels && labels.getAttribute('data-' + j.state)) || j.state
        if (j.state === 'done' || j.state === 'cancelled') {
          const form = document.getElementById('cancel-form')
          if (form) form.remove()
          return
        }
        setTimeout(tick, 500)
      })
      .catch(function () { setTimeout(tick, 2000) })
  }
  const initial = document.getElementById('job-state').getAttribute('data-state')
  if (initial !== 'done' && initial !== 'cancelled') setTimeout(tick, 300)
})()

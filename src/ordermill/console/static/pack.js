// The pack station's only script, and the page works without it. It sends each scan without
// reloading the page, one at a time in the order read (a scanner types faster than a page
// loads, and each scan is checked after the ones before it), and beeps when one is refused.
(function () {
  "use strict";

  var audio = null;
  var waiting = [];
  var busy = false;

  function sound() {
    // Made during a key press: browsers let sound start only after the user did something.
    if (audio === null) {
      var Context = window.AudioContext || window.webkitAudioContext;
      try { audio = Context ? new Context() : false; } catch (error) { audio = false; }
    }
    return audio;
  }

  function beep() {
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
    var context = sound();
    if (!context) { return; }
    try {
      if (context.state === "suspended") { context.resume(); }
      var tone = context.createOscillator();
      var volume = context.createGain();
      tone.type = "square";
      tone.frequency.value = 220;  // low and rough: unlike any "done" chime
      volume.gain.value = 0.15;
      tone.connect(volume);
      volume.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.3);
    } catch (error) { /* no sound device: the message on the page still says it */ }
  }

  function settle() {
    var station = document.querySelector("[data-pack-station]");
    if (station && station.dataset.refused === "1") { beep(); }
    var field = document.querySelector("main [autofocus]");
    if (field) { field.focus(); }
  }

  function swap(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var main = next.querySelector("main");
    if (!main) { return false; }
    // The scan field stays the same element: what the scanner typed while the answer was on
    // its way is in it, and goes on into it.
    var typing = document.querySelector("form[data-scan] input[name=code]");
    var field = main.querySelector("form[data-scan] input[name=code]");
    if (typing && field) { field.replaceWith(typing); }
    document.querySelector("main").replaceWith(main);
    document.title = next.title;
    settle();
    return true;
  }

  function send() {
    var form = document.querySelector("form[data-scan]");
    if (busy || waiting.length === 0) { return; }
    if (!form) {  // the order is complete: anything scanned after it is one too many
      waiting = [];
      beep();
      return;
    }
    busy = true;
    var code = waiting.shift();
    var data = new FormData(form);
    data.set("code", code);  // the field itself is already taking the next scan
    function reload() {  // as if there were no script: the form posted the plain way
      form.elements.code.value = code;
      form.submit();
    }
    fetch(form.action, { method: "POST", body: new URLSearchParams(data),
                         credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        busy = false;
        if (!swap(html)) { reload(); return; }
        send();
      })
      .catch(function () { busy = false; reload(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-scan]") || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    sound();
    var code = form.elements.code.value.trim();
    form.elements.code.value = "";
    if (code) { waiting.push(code); }
    send();
  });

  document.addEventListener("DOMContentLoaded", settle);
}());

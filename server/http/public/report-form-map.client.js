// /lapor's optional map pick (progressive enhancement). Without this script the form still has the
// two optional fields lintang/bujur. With it: "use my location" and a small map that is loaded only
// when the citizen opens it (Leaflet and the basemap from our own origin, nothing from elsewhere).
// Texts come from the fieldset's data-* attributes (the page's language, escaped by the server).
(function () {
  "use strict";
  var box = document.getElementById("titik");
  if (!box) return;
  var lat = document.getElementById("lat");
  var lng = document.getElementById("lng");
  var status = document.getElementById("titik-status");
  var base = "/publik/peta/";
  var map = null;
  var marker = null;
  var L = null;
  // How close to zoom on a point: street level with tiles, the surroundings on the bare basemap.
  var near = 9;

  function say(text) {
    if (status) status.textContent = text || "";
  }
  function valid(a, b) {
    return isFinite(a) && isFinite(b) && a >= -90 && a <= 90 && b >= -180 && b <= 180 && !(a === 0 && b === 0);
  }
  function current() {
    var a = parseFloat(String(lat.value).replace(",", "."));
    var b = parseFloat(String(lng.value).replace(",", "."));
    return valid(a, b) ? [a, b] : null;
  }
  function put(a, b) {
    lat.value = a.toFixed(6);
    lng.value = b.toFixed(6);
    show();
    say(box.getAttribute("data-picked") + " " + lat.value + ", " + lng.value);
  }
  function show() {
    if (!map) return;
    var p = current();
    if (!p) return;
    if (marker) marker.setLatLng(p);
    else marker = L.circleMarker(p, { radius: 9, color: "#b00020", weight: 3, fillOpacity: 0.6 }).addTo(map);
  }
  function load(tag, attrs) {
    return new Promise(function (done, fail) {
      var el = document.createElement(tag);
      for (var k in attrs) el.setAttribute(k, attrs[k]);
      el.onload = function () { done(); };
      el.onerror = function () { fail(new Error(attrs.src || attrs.href)); };
      document.head.appendChild(el);
    });
  }
  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url);
      return r.json();
    });
  }
  function openMap() {
    var holder = document.getElementById("peta-lapor");
    holder.hidden = false;
    if (map) return;
    say(box.getAttribute("data-loading"));
    Promise.all([load("link", { rel: "stylesheet", href: base + "leaflet.css" }), load("script", { src: base + "leaflet.js" })])
      .then(function () {
        L = window.L;
        return Promise.all([getJson(base + "config.json"), getJson(base + "provinsi.json")]);
      })
      .then(function (got) {
        var config = got[0];
        if (config.tileUrl) near = 16;
        map = L.map(holder, { zoomSnap: 0.5, attributionControl: !!config.tileUrl });
        if (config.tileUrl) L.tileLayer(config.tileUrl, { maxZoom: 18, attribution: config.attribution || "" }).addTo(map);
        var provinces = L.geoJSON(got[1], { style: { color: "#4a6378", weight: 1, fillColor: "#dfe8d8", fillOpacity: config.tileUrl ? 0.1 : 1 } }).addTo(map);
        var p = current();
        if (p) map.setView(p, near);
        else map.fitBounds(provinces.getBounds());
        show();
        map.on("click", function (e) {
          put(e.latlng.lat, e.latlng.lng);
        });
        say(box.getAttribute("data-hint"));
      })
      .catch(function () {
        say(box.getAttribute("data-failed"));
      });
  }

  var tools = document.createElement("div");
  var pick = document.createElement("button");
  pick.type = "button";
  pick.className = "secondary";
  pick.id = "pilih-peta";
  pick.textContent = box.getAttribute("data-pick");
  pick.addEventListener("click", openMap);
  tools.appendChild(pick);
  if (navigator.geolocation) {
    var mine = document.createElement("button");
    mine.type = "button";
    mine.className = "secondary";
    mine.textContent = box.getAttribute("data-mine");
    mine.style.marginLeft = ".5rem";
    mine.addEventListener("click", function () {
      say(box.getAttribute("data-locating"));
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          put(pos.coords.latitude, pos.coords.longitude);
          if (map) map.setView([pos.coords.latitude, pos.coords.longitude], near);
        },
        function () {
          say(box.getAttribute("data-denied"));
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
    tools.appendChild(mine);
  }
  box.insertBefore(tools, document.getElementById("peta-lapor"));
  lat.addEventListener("change", show);
  lng.addEventListener("change", show);
})();

// Show event times in the viewer's own time zone: report the browser's zone in a cookie
// (unless the viewer chose one) and reload once if the page was drawn in another zone.
(function () {
  "use strict";
  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return found ? found.slice(name.length + 1).replace(/^"|"$/g, "") : "";
  }
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!/^[A-Za-z0-9_+\-\/]+$/.test(zone) || cookie("railab_tz_chosen")) return;
  if (cookie("railab_tz") !== zone) {
    document.cookie = "railab_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }
  const page = document.querySelector("[data-viewer-zone]");
  if (page && page.dataset.zoneChosen !== "1" && page.dataset.viewerZone !== zone &&
      cookie("railab_tz") === zone && !sessionStorage.getItem("railab_tz_reloaded")) {
    sessionStorage.setItem("railab_tz_reloaded", "1");
    location.reload();
  }
})();

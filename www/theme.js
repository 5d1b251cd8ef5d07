// The theme: the system's (auto), light or dark, chosen with the header's
// button and remembered. A classic script in <head>, so that a chosen theme
// applies before the first paint.
(() => {
  const THEMES = ["auto", "light", "dark"];
  const KEY = "tokenmeter-theme";
  const root = document.documentElement;
  function set(theme) {
    if (theme === "dark" || theme === "light") root.dataset.theme = theme;
    else delete root.dataset.theme;
    const button = document.getElementById("theme");
    if (button) button.textContent = `Theme: ${root.dataset.theme ?? "auto"}`;
  }
  let stored = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    // Storage may be off: the choice then lasts for this visit.
  }
  set(stored);
  document.addEventListener("DOMContentLoaded", () => {
    set(root.dataset.theme);
    document.getElementById("theme").addEventListener("click", () => {
      const next = THEMES[(THEMES.indexOf(root.dataset.theme ?? "auto") + 1) % THEMES.length];
      set(next);
      try {
        localStorage.setItem(KEY, next);
      } catch {
        // As above.
      }
    });
  });
})();

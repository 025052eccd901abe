// The home page's key generation in the collector's mode (GET /api/key-generation): "open" mints
// for anyone, "token" needs the admin token, which this page asks for and keeps nowhere, and
// "off" mints for nobody.
"use strict";

const KeyGeneration = {
  mode: "open",
  /** The headers a generate request carries: the admin token in token mode. */
  headers() {
    const token = document.getElementById("admin-token").value.trim();
    return this.mode === "token" && token ? { Authorization: "Bearer " + token } : {};
  },
  async load() {
    try {
      this.mode = (await api(Endpoints.keyGeneration, { key: "" })).mode;
    } catch (e) {
      return; // an older collector: it mints for anyone
    }
    if (this.mode === "token") {
      document.getElementById("admin-token-row").classList.remove("hidden");
    } else if (this.mode === "off") {
      const notice = document.getElementById("generation-off");
      notice.textContent = "This collector does not mint keys here: ask its operator for one.";
      notice.classList.remove("hidden");
      document.getElementById("generate-button").classList.add("hidden");
    }
  },
};
KeyGeneration.load();

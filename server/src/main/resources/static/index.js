"use strict";
renderTopbar("home");
document.getElementById("generate-button").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  const error = document.getElementById("generate-error");
  button.disabled = true;
  error.classList.add("hidden");
  try {
    const body = await api(Endpoints.generateKey, { method: "POST", key: "", headers: KeyGeneration.headers() });
    const key = typeof body === "string" ? body : (body.api_key || body.apiKey || body.key);
    ApiKey.set(key);
    document.getElementById("generated-key").textContent = key;
    document.getElementById("generated").classList.remove("hidden");
  } catch (e) {
    error.textContent = "Could not generate a key: " + e.message;
    error.classList.remove("hidden");
  } finally {
    button.disabled = false;
  }
});
document.getElementById("copy-button").addEventListener("click", async (event) => {
  try {
    await navigator.clipboard.writeText(document.getElementById("generated-key").textContent);
    event.currentTarget.textContent = "Copied";
  } catch (e) {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById("generated-key"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
});
document.getElementById("open-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = document.getElementById("key-input").value.trim();
  const error = document.getElementById("open-error");
  if (!ApiKey.looksValid(key)) {
    error.textContent = "That does not look like an API key: a key is a UUID such as 3f1c2a9e-4b7d-4e21-9a53-0c8d6f1e2b47.";
    error.classList.remove("hidden");
    return;
  }
  ApiKey.set(key);
  location.href = "/dashboard";
});

"use strict";
renderTopbar("delete");
const input = document.getElementById("key-input");
const confirmBox = document.getElementById("confirm");
const button = document.getElementById("delete-button");
input.value = ApiKey.get();
const update = () => { button.disabled = !(confirmBox.checked && input.value.trim()); };
input.addEventListener("input", update);
confirmBox.addEventListener("change", update);
document.getElementById("delete-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = document.getElementById("result");
  const key = input.value.trim();
  if (!window.confirm("Delete all data stored for key " + ApiKey.masked(key) + "? This cannot be undone.")) return;
  button.disabled = true;
  try {
    const withKey = document.getElementById("delete-key").checked;
    await api(withKey ? Endpoints.deleteKey : Endpoints.deleteData, { method: "DELETE", key });
    if (withKey && ApiKey.get() === key) ApiKey.clear();
    result.className = "notice ok";
    result.textContent = withKey ? "Deleted the key and everything stored for it." : "Deleted. Nothing is stored for this key any more; the key keeps working.";
    input.value = "";
    confirmBox.checked = false;
  } catch (e) {
    result.className = "notice error";
    result.textContent = "Nothing was deleted: " + e.message;
  }
  update();
});

// Whistle console: pages work without scripts; this only moves the keyboard to the first field with an error.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) invalid.focus();
});

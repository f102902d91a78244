// The checkpoint's pass check: where the browser can read QR codes (BarcodeDetector) and has a camera, a button
// scans the pass and fills its number in; elsewhere the number is typed. Kept out of the template for the CSP.
(() => {
  const box = document.querySelector("[data-scan]");
  const field = document.querySelector("input[name=pass_number]");
  if (!box || !field || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  box.hidden = false;
  const video = box.querySelector("[data-scan-video]");
  box.querySelector("[data-scan-start]").addEventListener("click", async () => {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    await video.play();
    const look = async () => {
      const found = await detector.detect(video);
      if (found.length) {
        field.value = found[0].rawValue.replace(/\D/g, "");
        stream.getTracks().forEach((track) => track.stop());
        video.srcObject = null;
        field.form.querySelector("input[name=plate]").focus();
        return;
      }
      requestAnimationFrame(look);
    };
    look();
  });
})();

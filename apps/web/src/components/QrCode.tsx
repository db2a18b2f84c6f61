import { renderSVG } from 'uqr';

/** The otpauth:// URL as a QR code for authenticator apps (an inline SVG image, nothing leaves the page). */
export function QrCode({ value, label }: { value: string; label: string }) {
  const svg = renderSVG(value, { border: 2, ecc: 'M' });
  return (
    <img
      className="qr"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt={label}
      width={220}
      height={220}
    />
  );
}

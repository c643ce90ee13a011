/** Test images and maps with a rotated rectangle drawn in (pixel centres inside it). */

/** Is pixel (x, y)'s centre inside `box` turned `rotation` degrees clockwise about its centre? */
export function insideRotated(
    box: { x: number; y: number; width: number; height: number; rotation: number },
    x: number,
    y: number,
): boolean {
    const t = (box.rotation * Math.PI) / 180;
    const dx = x + 0.5 - (box.x + box.width / 2);
    const dy = y + 0.5 - (box.y + box.height / 2);
    return (
        Math.abs(dx * Math.cos(t) + dy * Math.sin(t)) <= box.width / 2 && Math.abs(-dx * Math.sin(t) + dy * Math.cos(t)) <= box.height / 2
    );
}

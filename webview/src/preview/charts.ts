/** Chart.js charts themed with VS Code's chart colours (`--vscode-charts-*`). */
import {
    BarController,
    BarElement,
    CategoryScale,
    Chart,
    Legend,
    LinearScale,
    LineController,
    LineElement,
    PointElement,
    Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

function cssVar(name: string, fallback: string): string {
    return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function theme(): void {
    Chart.defaults.color = cssVar('--vscode-foreground', '#ccc');
    Chart.defaults.borderColor = cssVar('--vscode-widget-border', 'rgba(128,128,128,0.3)');
    Chart.defaults.font.family = cssVar('--vscode-font-family', 'sans-serif');
    Chart.defaults.animation = false;
}

/** Bins scores in [0, max] into `bins` buckets. */
export function histogram(
    values: readonly number[],
    bins: number,
    max = values.reduce((a, b) => Math.max(a, b), 1e-9),
): { edges: number[]; counts: number[] } {
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) {
        counts[Math.min(bins - 1, Math.max(0, Math.floor((v / max) * bins)))]++;
    }
    return { edges: counts.map((_, i) => (max * (i + 0.5)) / bins), counts };
}

export function scoreHistogram(canvas: HTMLCanvasElement, pool: readonly number[], batch: readonly number[]): Chart {
    theme();
    const max = batch.reduce(
        (a, b) => Math.max(a, b),
        pool.reduce((a, b) => Math.max(a, b), 1e-9),
    );
    const all = histogram(pool, 20, max);
    const chosen = histogram(batch, 20, max);
    return new Chart(canvas, {
        type: 'bar',
        data: {
            labels: all.edges.map((e) => e.toFixed(2)),
            datasets: [
                { label: 'unlabeled pool', data: all.counts, backgroundColor: cssVar('--vscode-charts-blue', '#3794ff') },
                { label: 'next batch', data: chosen.counts, backgroundColor: cssVar('--vscode-charts-orange', '#d18616') },
            ],
        },
        options: {
            responsive: true,
            maintainAspectRatio: false,
            scales: {
                x: { title: { display: true, text: 'score (higher = more worth labeling)' } },
                y: { title: { display: true, text: 'items' } },
            },
        },
    });
}

export function learningCurve(
    canvas: HTMLCanvasElement,
    points: ReadonlyArray<{ labelsUsed: number; accuracy: number | null; version: string }>,
): Chart {
    theme();
    const measured = points.filter((p) => p.accuracy !== null);
    return new Chart(canvas, {
        type: 'line',
        data: {
            labels: measured.map((p) => String(p.labelsUsed)),
            datasets: [
                {
                    label: 'validation accuracy per model version',
                    data: measured.map((p) => p.accuracy as number),
                    borderColor: cssVar('--vscode-charts-green', '#89d185'),
                    backgroundColor: cssVar('--vscode-charts-green', '#89d185'),
                },
            ],
        },
        options: {
            responsive: true,
            maintainAspectRatio: false,
            scales: {
                x: { title: { display: true, text: 'labels used' } },
                y: { title: { display: true, text: 'accuracy' }, suggestedMin: 0.5, suggestedMax: 1 },
            },
            plugins: { tooltip: { callbacks: { title: (items) => `version ${measured[items[0].dataIndex]?.version ?? ''}` } } },
        },
    });
}

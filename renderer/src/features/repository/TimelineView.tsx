import { useState } from 'react';
import type { RepositoryOverview, TimelineEntry } from '../../../../shared/view-model';
import { RenewPanel } from './RenewPanel';
import { EmptyState } from '../../components/EmptyState';
import { ExpiryText } from '../../components/Expiry';
import { formatDate } from '../../format';
import { TableHead } from '../../components/TableHead';

const DAY = 86_400_000;
const ROW = 30;
const LABEL_W = 230;
const CHART_W = 640;
const PAD_TOP = 34;
const EXPIRED_W = 84;
const RIGHT_PAD = 50;

const LEVEL_TEXT: Record<TimelineEntry['level'], string> = { ok: 'valid', soon: 'expires soon', expired: 'expired' };
const TICKS = [
  { days: 0, label: 'now' },
  { days: 7, label: '1 week' },
  { days: 30, label: '1 month' },
  { days: 365, label: '1 year' },
  { days: 365 * 3, label: '3 years' },
  { days: 365 * 10, label: '10 years' },
  { days: 365 * 30, label: '30 years' },
];

export function TimelineView({ overview, now = Date.now() }: { overview: RepositoryOverview; now?: number }) {
  if (!overview.hasTrustData || overview.timeline.length === 0) {
    return <EmptyState title="No trust data for this repository">There is nothing that expires yet.</EmptyState>;
  }
  const entries = overview.timeline;
  const maxDays = Math.max(30, ...entries.map((e) => (new Date(e.expires).getTime() - now) / DAY));
  // log scale: a 14-day timestamp and a 10-year certificate both stay readable
  const x = (days: number) =>
    days < 0 ? EXPIRED_W / 2 - 3 : days === 0 ? EXPIRED_W : EXPIRED_W + (CHART_W - EXPIRED_W) * (Math.log1p(days) / Math.log1p(maxDays));
  const ticks = TICKS.filter((t) => t.days <= maxDays * 1.05);
  const height = PAD_TOP + entries.length * ROW + 10;
  const warnings = entries.filter((e) => e.level !== 'ok');
  // timestamp is the trust server's; certificates are renewed by rotating keys
  const renewable = (e: TimelineEntry) => e.kind === 'role' && e.role !== 'timestamp';
  return (
    <div className="timeline">
      <TimelineRenew name={overview.name} renewable={entries.some(renewable)}>
        {(open) => (
          <>
            {warnings.length > 0 ? (
              <ul className="warnings" aria-label="Expiry warnings">
                {warnings.map((w) => (
                  <li key={w.label} className={`expiry-${w.level}`}>
                    <strong>{w.label}</strong> {w.level === 'expired' ? 'has expired' : 'expires soon'}:{' '}
                    <ExpiryText iso={w.expires} level={w.level} />
                    {w.role === 'timestamp' && w.level === 'soon' ? ' (the trust server renews it automatically)' : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="ok-note">Nothing expires in the next 30 days.</p>
            )}
            <svg
              className="timeline-chart"
              role="img"
              aria-labelledby="timeline-title"
              viewBox={`0 0 ${LABEL_W + CHART_W + RIGHT_PAD} ${height}`}
              width="100%"
            >
              <title id="timeline-title">Expiry of every role and certificate of {overview.name} on one time axis (logarithmic)</title>
              <g transform={`translate(${LABEL_W},0)`}>
                <rect x={0} y={PAD_TOP - 8} width={EXPIRED_W - 6} height={entries.length * ROW + 4} className="expired-zone" />
                <text x={(EXPIRED_W - 6) / 2} y={PAD_TOP - 14} className="tick-label" textAnchor="middle">
                  expired
                </text>
                {ticks.map((t) => (
                  <g key={t.label}>
                    <line x1={x(t.days)} x2={x(t.days)} y1={PAD_TOP - 8} y2={height - 6} className="tick" />
                    <text x={x(t.days)} y={PAD_TOP - 14} className="tick-label" textAnchor="middle">
                      {t.label}
                    </text>
                  </g>
                ))}
              </g>
              {entries.map((e, i) => {
                const days = (new Date(e.expires).getTime() - now) / DAY;
                const y = PAD_TOP + i * ROW;
                const end = x(days);
                return (
                  <g key={`${e.label}${i}`} className={`entry entry-${e.level}`}>
                    <text x={LABEL_W - 10} y={y + 15} textAnchor="end" className="entry-label">
                      {e.label}
                    </text>
                    <g transform={`translate(${LABEL_W},0)`}>
                      {days > 0 && <rect x={EXPIRED_W} y={y + 4} width={Math.max(2, end - EXPIRED_W)} height={ROW - 12} rx={3} className="bar" />}
                      <circle cx={end} cy={y + 4 + (ROW - 12) / 2} r={5} className="marker" />
                      <text
                        x={end > CHART_W - 160 ? end - 10 : end + 10}
                        y={y + 15}
                        textAnchor={end > CHART_W - 160 ? 'end' : 'start'}
                        className="entry-date"
                      >
                        {formatDate(e.expires)} · {LEVEL_TEXT[e.level]}
                      </text>
                    </g>
                  </g>
                );
              })}
            </svg>
            <table className="timeline-table">
              <caption>Every expiry, soonest first</caption>
              <TableHead columns={['What', 'Kind', 'Expires', 'Renew']} />
              <tbody>
                {entries.map((e, i) => (
                  <tr key={`${e.label}${i}`}>
                    <td className="mono">{e.label}</td>
                    <td>{e.kind === 'role' ? 'role metadata' : e.role === 'root' ? 'root certificate' : 'signer certificate'}</td>
                    <td>
                      <ExpiryText iso={e.expires} level={e.level} />
                    </td>
                    <td>
                      {renewable(e) ? (
                        <button type="button" className="link" onClick={() => open([e.role])} aria-label={`Renew ${e.label}`}>
                          Renew…
                        </button>
                      ) : e.kind === 'role' ? (
                        <span className="muted">by the trust server</span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </TimelineRenew>
    </div>
  );
}

/** The "renew all I can" action and the renewal panel of one or all roles above the timeline. */
function TimelineRenew({
  name,
  renewable,
  children,
}: {
  name: string;
  renewable: boolean;
  children: (open: (roles?: string[]) => void) => React.ReactNode;
}) {
  const [renewing, setRenewing] = useState<{ roles?: string[] } | null>(null);
  return (
    <>
      {renewable && (
        <div className="actions">
          <button type="button" onClick={() => setRenewing({})}>
            Renew all I can…
          </button>
        </div>
      )}
      {renewing && (
        <RenewPanel
          key={renewing.roles?.join(',') ?? '*'}
          name={name}
          {...(renewing.roles ? { roles: renewing.roles } : {})}
          onClose={() => setRenewing(null)}
        />
      )}
      {children((roles) => setRenewing(roles ? { roles } : {}))}
    </>
  );
}

using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;

namespace Mandate.Core.Runs;

/// <summary>
/// Ends runs. Ending a run ends every run below it in one durable batch, revokes their run tokens and
/// every credential issued in them, so introspection answers inactive from the next request on.
/// </summary>
public sealed class RunService
{
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);
    private readonly IMandateStore _store;
    private readonly IUnitOfWork _trail;
    private readonly RevocationList _revocations;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public RunService(IMandateStore store, IUnitOfWork trail, RevocationList revocations, MandateOptions options, TimeProvider time)
    {
        _store = store;
        _trail = trail;
        _revocations = revocations;
        _options = options;
        _time = time;
    }

    /// <summary>Ends the run and its open descendants; returns the runs it ended (empty if none were open, null if unknown).</summary>
    public async Task<IReadOnlyList<RunRecord>?> EndAsync(string runId, string endedBy, string? reason, CancellationToken cancellationToken)
    {
        if (await _store.GetRunAsync(runId, cancellationToken) is null)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var ending = (await _store.ListRunsAsync(new RunQuery { SubtreeOf = runId, OpenOnly = true }, cancellationToken))
            .Select(r => r with { EndedAt = now, EndedBy = endedBy, EndReason = reason })
            .ToList();
        if (ending.Count == 0)
        {
            return [];
        }

        var revocations = ending.Select(r => new Revocation.Revocation
        {
            Id = Protocol.Ids.New("rev"),
            Target = RevocationTarget.Run,
            Value = r.Id,
            RevokedAt = now,
            KeepUntil = now + _options.Lifetimes.Max + _options.Runs.TokenLifetime + Slack,
            RevokedBy = endedBy,
            Reason = reason ?? (r.Id == runId ? "run ended" : $"ancestor run {runId} ended"),
        }).ToList();
        var events = ending.Select(r => new AuditEvent
        {
            Kind = AuditKinds.Run,
            Time = now,
            Outcome = "ended",
            Agent = r.Agent,
            Tenant = r.Tenant,
            User = r.User,
            Run = r.Id,
            Reason = reason,
            Node = _options.Node,
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["ended_by"] = endedBy,
                ["ended_with"] = runId,
                ["depth"] = r.Depth.ToString(),
            },
        }).ToList();
        await _trail.CommitAsync(new StoreBatch([.. ending, .. revocations, .. events]), cancellationToken);
        foreach (var r in revocations)
        {
            _revocations.Add(r);
        }

        return ending;
    }
}

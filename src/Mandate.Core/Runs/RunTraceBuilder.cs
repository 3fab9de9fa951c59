using Mandate.Core.Audit;
using Mandate.Core.Storage;

namespace Mandate.Core.Runs;

/// <summary>Builds the <see cref="RunTrace"/> of the whole tree a run belongs to, from the store alone.</summary>
public static class RunTraceBuilder
{
    /// <summary>
    /// The tree rooted at the root of <paramref name="runId"/>'s lineage; for the run id of plain exchanges (no
    /// run token, so no run row) the run as its audit records tell it; null when nothing carries the id.
    /// </summary>
    public static async Task<RunTrace?> BuildAsync(IMandateStore store, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var run = await store.GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            return ImplicitRun.FromAudit(runId, await ReadAsync(store, new AuditQuery { Run = runId }, cancellationToken)) is { } plain
                ? await NodeAsync(store, plain, Array.Empty<RunRecord>().ToLookup(r => r.Id), cancellationToken) with { Implicit = true }
                : null;
        }

        var rootId = run.Lineage.Split('/')[0];
        var runs = await store.ListRunsAsync(new RunQuery { SubtreeOf = rootId }, cancellationToken);
        var byParent = runs.Where(r => r.ParentId is not null).ToLookup(r => r.ParentId!);
        var root = runs.Single(r => r.Id == rootId);
        return await NodeAsync(store, root, byParent, cancellationToken);
    }

    private static async Task<RunTrace> NodeAsync(IMandateStore store, RunRecord run, ILookup<string, RunRecord> byParent, CancellationToken ct)
    {
        var records = await ReadAsync(store, new AuditQuery { Run = run.Id }, ct);
        var credentials = new List<CredentialTrace>();
        foreach (var issuance in records.Where(r => r.Event.Kind == AuditKinds.Issuance))
        {
            var byJti = await ReadAsync(store, new AuditQuery { Jti = issuance.Event.Jti }, ct);
            credentials.Add(new CredentialTrace(
                issuance,
                byJti.Where(r => r.Event.Kind == AuditKinds.Introspection).ToList(),
                byJti.FirstOrDefault(r => r.Event.Kind == AuditKinds.Revocation))
            {
                Calls = [.. byJti.Where(r => r.Event.Kind is EgressAuditKinds.ProxyCall or EgressAuditKinds.McpCall).OrderBy(r => r.Sequence)],
            });
        }

        var children = new List<RunTrace>();
        foreach (var child in byParent[run.Id].OrderBy(c => c.StartedAt))
        {
            children.Add(await NodeAsync(store, child, byParent, ct));
        }

        return new RunTrace(
            run,
            records.Where(r => r.Event.Kind == AuditKinds.Decision).ToList(),
            credentials,
            records.Where(r => r.Event.Kind is AuditKinds.Run or AuditKinds.Revocation).ToList(),
            children);
    }

    private static async Task<List<AuditRecord>> ReadAsync(IMandateStore store, AuditQuery query, CancellationToken ct)
    {
        var list = new List<AuditRecord>();
        await foreach (var r in store.ReadAuditAsync(query, ct))
        {
            // A record that is not an audit event (an edited store, which `audit verify` reports) tells the trace nothing.
            if (r.TryReadEvent() is not null)
            {
                list.Add(r);
            }
        }

        return list;
    }
}

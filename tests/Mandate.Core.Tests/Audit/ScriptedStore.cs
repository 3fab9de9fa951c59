using System.Runtime.CompilerServices;
using Mandate.Core.Audit;
using Mandate.Core.Keys;
using Mandate.Core.Storage;

namespace Mandate.Core.Tests.Audit;

/// <summary>
/// A store whose commits do what the test says: <see cref="OnCommit"/> runs for each commit (numbered
/// from 1) and may wait or throw; commits that return are recorded in order.
/// </summary>
internal sealed class ScriptedStore : IMandateStore
{
    private readonly Lock _lock = new();
    private readonly List<StoreBatch> _committed = [];
    private int _calls;

    public Func<int, StoreBatch, Task> OnCommit { get; init; } = (_, _) => Task.CompletedTask;

    public string Description => "scripted";

    public IReadOnlyList<StoreBatch> Committed
    {
        get
        {
            lock (_lock)
            {
                return [.. _committed];
            }
        }
    }

    public Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<Mandate.Core.Credentials.DatabaseLease>> ListDatabaseLeasesAsync(bool liveOnly, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Mandate.Core.Credentials.DatabaseLease>>([]);

    public async Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
    {
        await OnCommit(Interlocked.Increment(ref _calls), batch);
        lock (_lock)
        {
            _committed.Add(batch);
        }
    }

    public async IAsyncEnumerable<AuditRecord> ReadAuditAsync(
        AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task<Mandate.Core.Audit.Retention.AuditPruneAnchor?> ReadPruneAnchorAsync(CancellationToken cancellationToken) =>
        Task.FromResult<Mandate.Core.Audit.Retention.AuditPruneAnchor?>(null);

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredKey>>([]);

    public Task<IReadOnlyList<Revocation.Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Revocation.Revocation>>([]);

    public Task<IReadOnlyList<Revocation.RevocationChange>> ReadRevocationChangesAsync(long after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Revocation.RevocationChange>>([]);

    public Task<Runs.RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken) => Task.FromResult<Runs.RunRecord?>(null);

    public Task<IReadOnlyList<Runs.RunRecord>> ListRunsAsync(Runs.RunQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Runs.RunRecord>>([]);

    public Task<IReadOnlyList<Core.Spiffe.RegistrationEntry>> ListRegistrationEntriesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Core.Spiffe.RegistrationEntry>>([]);

    // The audit writer never reads policy state; these answer "nothing stored".
    public Task<IReadOnlyDictionary<string, long>> ReadRateCountsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());

    public Task<Core.Approvals.Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken) => Task.FromResult<Core.Approvals.Approval?>(null);

    public Task<IReadOnlyList<Core.Approvals.Approval>> ListApprovalsAsync(Core.Approvals.ApprovalStatus? status, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Core.Approvals.Approval>>([]);

    public Task<Core.Approvals.Approval?> FindApprovalByBindingAsync(string bindingHash, CancellationToken cancellationToken) => Task.FromResult<Core.Approvals.Approval?>(null);

    public Task<bool> TryInsertApprovalAsync(Core.Approvals.Approval approval, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    public Task<bool> TryTransitionApprovalAsync(Core.Approvals.ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    public Task<bool> TryTouchApprovalAsync(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task RaisePollIntervalAsync(string id, int seconds, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<Core.Evidence.EvidenceRecord>> LatestEvidenceAsync(string subject, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Core.Evidence.EvidenceRecord>>([]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<Secrets.StoredSecret?> GetSecretAsync(string tool, CancellationToken cancellationToken) => Task.FromResult<Secrets.StoredSecret?>(null);

    public Task<IReadOnlyList<Secrets.SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Secrets.SecretMetadata>>([]);
}

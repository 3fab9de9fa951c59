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

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredKey>>([]);

    public Task<IReadOnlyList<Revocation.Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Revocation.Revocation>>([]);

    public Task<Runs.RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken) => Task.FromResult<Runs.RunRecord?>(null);

    public Task<IReadOnlyList<Runs.RunRecord>> ListRunsAsync(Runs.RunQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Runs.RunRecord>>([]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

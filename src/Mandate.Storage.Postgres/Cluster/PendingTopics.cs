using System.Threading.Channels;
using Mandate.Core.Cluster;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>
/// Topics notified but not yet dispatched. A burst of notifications for one topic collapses into one pending flag,
/// so the handler runs once after it (it reads everything since its own cursor), while a lone notification wakes
/// the dispatcher at once.
/// </summary>
internal sealed class PendingTopics
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private int _flags;

    public void Add(ChangeTopic topic)
    {
        Interlocked.Or(ref _flags, 1 << (int)topic);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Waits until some topic is pending, then takes (and clears) every pending topic.</summary>
    public async Task<IReadOnlyList<ChangeTopic>> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _signal.Reader.ReadAsync(cancellationToken);
            var flags = Interlocked.Exchange(ref _flags, 0);
            if (flags != 0)
            {
                return [.. Enum.GetValues<ChangeTopic>().Where(t => (flags & (1 << (int)t)) != 0)];
            }
        }
    }
}

using System.Threading.Channels;
using Mandate.Core.Audit.Checkpoints;

namespace Mandate.Server.AuditStream;

/// <summary>
/// Signed checkpoints waiting to go on the stream (they are in the checkpoint file already). Bounded: while the destination
/// is down the oldest are dropped and counted, never the checkpoint writer slowed.
/// </summary>
internal sealed class AuditStreamCheckpoints
{
    public const int Capacity = 256;

    private readonly Channel<AuditCheckpoint> _queue;

    public AuditStreamCheckpoints(AuditStreamMetrics metrics) =>
        _queue = Channel.CreateBounded<AuditCheckpoint>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => metrics.Dropped(1, AuditStreamMetrics.CheckpointQueueFull));

    public void Add(AuditCheckpoint checkpoint) => _queue.Writer.TryWrite(checkpoint);

    /// <summary>Completes when a checkpoint is waiting.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _queue.Reader.WaitToReadAsync(cancellationToken).AsTask();

    /// <summary>Takes every waiting checkpoint, oldest first.</summary>
    public List<AuditCheckpoint> Drain()
    {
        var taken = new List<AuditCheckpoint>();
        while (_queue.Reader.TryRead(out var checkpoint))
        {
            taken.Add(checkpoint);
        }

        return taken;
    }
}

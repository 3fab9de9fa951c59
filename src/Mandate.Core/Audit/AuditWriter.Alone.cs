namespace Mandate.Core.Audit;

/// <summary>The write of an exchange with no other in progress commits on its caller's thread.</summary>
public sealed partial class AuditWriter
{
    /// <summary>
    /// The only exchange in progress (<see cref="Expect"/>), nothing queued and the store free: the write commits on
    /// the caller's own thread. Handing it to the loop and back wakes two sleeping threads for one request. Only
    /// exchanges are counted, so writes made while none is in progress (the egress proxy's, an operator's) go through
    /// the loop, where concurrent ones share a commit.
    /// </summary>
    private bool TakeTheTurnAlone()
    {
        if (_closed || !_delay.Alone || !_storeTurn.Wait(0))
        {
            return false;
        }

        if (!_closed)
        {
            return true;
        }

        // Disposed meanwhile, and its wait for the turn may be over: this write must not reach the store.
        _storeTurn.Release();
        return false;
    }

    private async Task CommitAloneAsync(PendingWrite write)
    {
        _delay.Queued();
        try
        {
            await CommitGroupAsync([write], alone: true);
        }
        finally
        {
            _storeTurn.Release();
        }

        await write.Completion.Task;
    }
}

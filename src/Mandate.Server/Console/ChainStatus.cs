using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Retention;
using Microsoft.Extensions.Hosting;

namespace Mandate.Server.Console;

/// <summary>
/// The audit chain's verification, as the audit page shows it. Verification reads every record, so it runs at most
/// once a minute and off the page request: a page shows the latest finished result with its time while the next one
/// runs, and only the first page ever shown waits for one. On a trail of millions of records a page would otherwise
/// wait for the whole chain, and hold every other audit page with it.
/// </summary>
internal sealed class ChainStatus
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly IMandateStore _store;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly Lock _lock = new();
    private (AuditVerificationResult Result, DateTimeOffset At)? _last;
    private Task<(AuditVerificationResult Result, DateTimeOffset At)>? _running;

    public ChainStatus(IMandateStore store, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        _store = store;
        _time = time;
        _stopping = lifetime.ApplicationStopping;
    }

    /// <summary>The verification in progress, if any.</summary>
    public Task? Running
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    public Task<(AuditVerificationResult Result, DateTimeOffset At)> CurrentAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if ((_last is not { } stale || now - stale.At >= MaxAge) && _running is null)
            {
                _running = VerifyAsync(now);
            }

            return _last is { } last ? Task.FromResult(last) : _running!.WaitAsync(cancellationToken);
        }
    }

    private async Task<(AuditVerificationResult Result, DateTimeOffset At)> VerifyAsync(DateTimeOffset at)
    {
        try
        {
            // Yield first: the caller holds the lock, and the verification must not run inside it.
            await Task.Yield();
            var result = (await AuditStoreVerifier.VerifyAsync(_store, _stopping), at);
            lock (_lock)
            {
                _last = result;
            }

            return result;
        }
        finally
        {
            lock (_lock)
            {
                _running = null;
            }
        }
    }
}

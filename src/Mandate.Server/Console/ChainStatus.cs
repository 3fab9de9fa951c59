using Mandate.Core;
using Mandate.Core.Audit;

namespace Mandate.Server.Console;

/// <summary>
/// The audit chain's verification, as the audit page shows it: the whole chain is re-verified at most once a
/// minute (verification reads every record), and every page in between shows that result with its time.
/// </summary>
internal sealed class ChainStatus : IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly IMandateStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _verifying = new(1, 1);
    private (AuditVerificationResult Result, DateTimeOffset At)? _last;

    public ChainStatus(IMandateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public async Task<(AuditVerificationResult Result, DateTimeOffset At)> CurrentAsync(CancellationToken cancellationToken)
    {
        await _verifying.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (_last is not { } last || now - last.At >= MaxAge)
            {
                _last = (await AuditVerifier.VerifyAsync(_store, null, cancellationToken), now);
            }

            return _last.Value;
        }
        finally
        {
            _verifying.Release();
        }
    }

    public void Dispose() => _verifying.Dispose();
}

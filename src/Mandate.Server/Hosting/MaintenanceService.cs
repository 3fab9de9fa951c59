using Mandate.Core.Keys;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Once a minute: rotates this node's signing keys (ES256, and RS256 when a tool asks for it) when due and picks up other nodes' keys (invisible to
/// clients: a new key is published before it signs, an old one stays until its tokens expire), and
/// forgets revocations that can no longer cover a live credential.
/// </summary>
internal sealed partial class MaintenanceService : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly SigningKeyRing _keys;
    private readonly RsaTokenKeyRing? _rsaKeys;
    private readonly RevocationList _revocations;
    private readonly TimeProvider _time;
    private readonly ILogger<MaintenanceService> _logger;

    public MaintenanceService(SigningKeyRing keys, RevocationList revocations, TimeProvider time, ILogger<MaintenanceService> logger, RsaTokenKeyRing? rsaKeys = null)
    {
        _keys = keys;
        _rsaKeys = rsaKeys;
        _revocations = revocations;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            _revocations.Purge(_time.GetUtcNow());
            await RefreshAsync(_keys, stoppingToken);
            if (_rsaKeys is not null)
            {
                await RefreshAsync(_rsaKeys, stoppingToken);
            }
        }
    }

    private async Task RefreshAsync(KeyRing keys, CancellationToken stoppingToken)
    {
        try
        {
            var before = keys.Current.Active.Kid;
            await keys.RefreshAsync(stoppingToken);
            if (keys.Current.Active.Kid != before)
            {
                LogRotated(_logger, keys.Profile.Algorithm, before, keys.Current.Active.Kid);
            }
        }
        catch (StoreUnavailableException e)
        {
            // The current key keeps signing; rotation is retried on the next tick.
            LogRotationFailed(_logger, keys.Profile.Algorithm, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Algorithm} signing key rotated: {OldKid} -> {NewKid}")]
    private static partial void LogRotated(ILogger logger, string algorithm, string oldKid, string newKid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Algorithm} signing key refresh failed, will retry: {Error}")]
    private static partial void LogRotationFailed(ILogger logger, string algorithm, string error);
}

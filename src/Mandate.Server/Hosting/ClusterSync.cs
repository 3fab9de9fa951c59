using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Cluster;
using Mandate.Core.Credentials.Federation;
using Mandate.Core.Keys;
using Mandate.Core.Revocation;
using Mandate.Core.Spiffe;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Follows the change feed for the life of the node: on <see cref="ChangeTopic.Revocations"/> it reads the revocation
/// changes it has not applied (other nodes' revocations and lifts); on <see cref="ChangeTopic.Keys"/> it re-reads every
/// key ring, so the key sets (token ES256 and RS256, federation, audit checkpoint) and the SPIFFE bundle list other nodes' keys. A
/// failure here propagates to the feed, which marks itself not current (the revocation list then fails closed) and
/// catches up again.
/// </summary>
internal sealed partial class ClusterSync : BackgroundService
{
    private readonly IChangeFeed _feed;
    private readonly RevocationFollower _revocations;
    private readonly SigningKeyRing _keys;
    private readonly IServiceProvider _services;
    private readonly ILogger<ClusterSync> _logger;

    public ClusterSync(IChangeFeed feed, RevocationFollower revocations, SigningKeyRing keys, IServiceProvider services, ILogger<ClusterSync> logger)
    {
        _feed = feed;
        _revocations = revocations;
        _keys = keys;
        _services = services;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _feed.RunAsync(OnChangeAsync, stoppingToken);

    /// <summary>Applies one notified (or caught-up) topic.</summary>
    internal async Task OnChangeAsync(ChangeTopic topic, CancellationToken cancellationToken)
    {
        switch (topic)
        {
            case ChangeTopic.Revocations:
                var read = await _revocations.CatchUpAsync(cancellationToken);
                if (read > 0)
                {
                    LogRevocationsApplied(_logger, read, _revocations.Cursor);
                }

                break;
            case ChangeTopic.Keys:
                await _keys.ReloadAsync(cancellationToken);
                if (_services.GetService<RsaTokenKeyRing>() is { } rsaKeys)
                {
                    await rsaKeys.ReloadAsync(cancellationToken);
                }

                // Federation keys are made on first use; a node that never issued one has nothing to follow yet.
                if (_services.GetService<FederationKeyRing>() is { IsLoaded: true } federation)
                {
                    await federation.ReloadAsync(cancellationToken);
                }

                if (_services.GetService<SpiffeAuthority>() is { } spiffe)
                {
                    await spiffe.ReloadAsync(cancellationToken);
                }

                // Every node's checkpoint keys are published at /audit/jwks, whichever node a verifier asks.
                if (_services.GetService<AuditCheckpointKeyRing>() is { } checkpoints)
                {
                    await checkpoints.ReloadAsync(cancellationToken);
                }

                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Applied {Count} revocation changes (cursor {Cursor})")]
    private static partial void LogRevocationsApplied(ILogger logger, int count, long cursor);
}

using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.SenderConstraint;

/// <summary>
/// Authenticates a workload by the X.509-SVID it presented in the TLS handshake (RFC 8705 §2.1.2 style,
/// with SPIFFE rules instead of a registered subject). Kestrel accepts any client certificate; this is
/// where it is judged. A refused certificate is invalid_client (RFC 6749 §5.2) on every request, and is audited once
/// per TLS connection (<see cref="RefusedCertificateRecord"/>); the refusals after the first are counted in
/// <c>mandate.client_certificates.refused</c>.
/// </summary>
public sealed partial class ClientCertificateAuthenticator
{
    private readonly X509SvidValidator _validator;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ClientCertificateAuthenticator> _logger;

    public ClientCertificateAuthenticator(X509SvidValidator validator, IUnitOfWork trail, MandateOptions options, TimeProvider time, ILogger<ClientCertificateAuthenticator> logger)
    {
        _validator = validator;
        _trail = trail;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// No certificate (or no trust bundles configured): no identity and no error. A valid SVID: its
    /// identity. Anything else: invalid_client naming the check that failed.
    /// </summary>
    public async Task<(WorkloadIdentity? Identity, X509Certificate2? Certificate, OAuthError? Error)> AuthenticateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        // The TLS feature itself: ConnectionInfo.ClientCertificate would add an empty one to every plain-HTTP request.
        var certificate = http.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        if (certificate is null || !_validator.IsEnabled)
        {
            return (null, null, null);
        }

        var result = _validator.Validate(certificate);
        if (result.Identity is not null)
        {
            return (result.Identity, certificate, null);
        }

        // A specific check (a tool credential presented as an identity) keeps its own id; any other refusal is certificate_invalid.
        var check = result.Check ?? Http.ClientChecks.CertificateInvalid;
        await RecordRefusalAsync(http, certificate, check, result.Failure!, result.Detail, cancellationToken);
        return (null, null, check.Refuse(result.Failure + "; see docs/sender-constraint.md", result.Detail));
    }

    private async Task RecordRefusalAsync(HttpContext http, X509Certificate2 certificate, Check check, string failure, string? detail, CancellationToken cancellationToken)
    {
        var path = http.Request.Path.ToString();
        var thumbprint = CertificateThumbprint.X5tS256(certificate);
        LogRefused(_logger, path, thumbprint, failure, detail ?? "");
        var connection = RefusedCertificateRecord.Of(http);
        var record = connection?.TryClaim() ?? true;
        Telemetry.ListenerMetrics.CertificateRefused(record);
        if (!record)
        {
            return;
        }

        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["endpoint"] = path,
            ["check"] = check.Id,
            ["client_cert_x5t_s256"] = thumbprint,
            ["client_cert_issuer"] = certificate.Issuer,
            ["client_cert_not_after"] = certificate.NotAfter.ToUniversalTime().ToString("O"),
        };
        var written = false;
        try
        {
            await _trail.CommitAsync(new StoreBatch(new AuditEvent
                    {
                        Kind = AuditKinds.ClientAuthentication,
                        Time = _time.GetUtcNow(),
                        Outcome = "refused",
                        Reason = failure,
                        Node = _options.Node,
                        Evidence = evidence,
                    }), cancellationToken);
            written = true;
        }
        catch (StoreUnavailableException e)
        {
            // The refusal stands either way; the outage itself is logged once, at error level, by the store's health log.
            LogNotRecorded(_logger, e.Message);
        }
        finally
        {
            if (!written)
            {
                // Not in the log (an outage, a request aborted mid-commit): the next refusal on the connection tries again.
                connection?.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused client certificate {Thumbprint} at {Path}: {Failure} {Detail}")]
    private static partial void LogRefused(ILogger logger, string path, string thumbprint, string failure, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused client certificate could not be recorded: {Error}")]
    private static partial void LogNotRecorded(ILogger logger, string error);
}

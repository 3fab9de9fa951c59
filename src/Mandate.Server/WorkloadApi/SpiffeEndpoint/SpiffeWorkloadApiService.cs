using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mandate.Core.Configuration;
using Mandate.Core.Revocation;
using Mandate.Core.Spiffe;
using Microsoft.Extensions.Hosting;

namespace Mandate.Server.WorkloadApi.SpiffeEndpoint;

/// <summary>
/// The SPIFFE Workload API (SPIFFE Workload API spec, X.509-SVID and JWT-SVID profiles) for SPIFFE client libraries,
/// on the endpoint socket. The caller is attested from its peer credentials exactly as on the JSON workload API, gets
/// the SVIDs of the entry it matches, and every issuance and refusal is recorded before the answer. The WIT-SVID
/// profile is optional and not offered: its calls answer <c>Unimplemented</c>, as the spec requires.
/// </summary>
internal sealed class SpiffeWorkloadApiService : SpiffeWorkloadAPI.SpiffeWorkloadAPIBase
{
    private readonly WorkloadAttestation _attestation;
    private readonly SvidIssuer _issuer;
    private readonly SpiffeAuthority _authority;
    private readonly JwtSvidValidator _validator;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly RevocationList _revocations;

    public SpiffeWorkloadApiService(
        WorkloadAttestation attestation, SvidIssuer issuer, SpiffeAuthority authority, JwtSvidValidator validator, MandateOptions options, TimeProvider time, IHostApplicationLifetime lifetime,
        RevocationList revocations)
    {
        _revocations = revocations;
        _attestation = attestation;
        _issuer = issuer;
        _authority = authority;
        _validator = validator;
        _options = options;
        _time = time;
        _lifetime = lifetime;
    }

    private string TrustDomainId => "spiffe://" + _options.TrustDomain;

    /// <summary>
    /// §4.3: the first answer at once, then a complete one whenever it changes: a renewed SVID at half its lifetime, or
    /// a new bundle. Entitlement is checked again at each wake-up, and at once when an agent is disabled; an entry that no
    /// longer matches, or a disabled agent, ends the stream with <c>PermissionDenied</c> (§5.1.1: the client stops using the SVID).
    /// </summary>
    public override async Task FetchX509SVID(X509SVIDRequest request, IServerStreamWriter<X509SVIDResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        X509Svid? svid = null;
        string? entryId = null;
        var renewAt = DateTimeOffset.MinValue;
        using var wake = new AgentDisabledWake(_revocations);
        try
        {
            while (true)
            {
                var disabled = wake.Arm();
                var (caller, entry) = await EntitledAsync(context, "x509", ct);
                if (svid is null || entry.Id != entryId || _time.GetUtcNow() >= renewAt)
                {
                    var renewed = await _issuer.IssueX509Async(caller, entry, ct);
                    svid?.Dispose();
                    (svid, entryId) = (renewed, entry.Id);
                    renewAt = _time.GetUtcNow() + ((renewed.ExpiresAt - _time.GetUtcNow()) / 2);
                }

                var keys = _authority.Current;
                await responseStream.WriteAsync(new X509SVIDResponse
                {
                    Svids =
                    {
                        new X509SVID
                        {
                            SpiffeId = svid.SpiffeId,
                            // Leaf first (§5.1.1); the key as unencrypted PKCS#8 DER.
                            X509Svid = ByteString.CopyFrom(svid.Chain.SelectMany(c => c.RawData).ToArray()),
                            X509SvidKey = ByteString.CopyFrom(svid.PrivateKey!.ExportPkcs8PrivateKey()),
                            Bundle = ByteString.CopyFrom(SpiffeBundle.ToDer(keys)),
                        },
                    },
                }, ct);
                if (!await WaitForChangeAsync(keys.Sequence, renewAt, ct, disabled))
                {
                    return;
                }
            }
        }
        finally
        {
            svid?.Dispose();
        }
    }

    /// <summary>The X.509 bundle of this trust domain, public as at <c>/.well-known/spiffe-bundle</c>: no entry needed.</summary>
    public override Task FetchX509Bundles(X509BundlesRequest request, IServerStreamWriter<X509BundlesResponse> responseStream, ServerCallContext context) =>
        StreamBundlesAsync(responseStream, keys => new X509BundlesResponse { Bundles = { [TrustDomainId] = ByteString.CopyFrom(SpiffeBundle.ToDer(keys)) } }, context.CancellationToken);

    /// <summary>The JWT-SVID keys alone, as a JWK Set keyed by the trust domain's SPIFFE ID (§6.2.2).</summary>
    public override Task FetchJWTBundles(JWTBundlesRequest request, IServerStreamWriter<JWTBundlesResponse> responseStream, ServerCallContext context) =>
        StreamBundlesAsync(responseStream, keys => new JWTBundlesResponse { Bundles = { [TrustDomainId] = ByteString.CopyFromUtf8(SpiffeBundle.ToJwtJwks(keys)) } }, context.CancellationToken);

    /// <summary>§6.2.1: one JWT-SVID for the caller's identity, addressed to every requested audience.</summary>
    public override async Task<JWTSVIDResponse> FetchJWTSVID(JWTSVIDRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // §4.5: a mandatory field left at its default is InvalidArgument.
        if (request.Audience.Count == 0)
        {
            throw Invalid("audience must be specified: name who the JWT-SVID is for");
        }

        if (!request.Audience.All(JwtSvidAudience.IsValid))
        {
            throw Invalid("each audience must be a StringOrURI (RFC 7519 §2): an absolute URI or a name without ':', with no control characters, at most 1024 characters");
        }

        var (caller, entry) = await EntitledAsync(context, "jwt", ct);
        if (request.SpiffeId.Length > 0 && !string.Equals(request.SpiffeId, entry.SpiffeId, StringComparison.Ordinal))
        {
            // §6.2.1: not authorised for the identity asked for: PermissionDenied, recorded like any refusal.
            var refusal = $"this process is entitled to {entry.SpiffeId} only, not to the requested spiffe_id";
            await _attestation.RecordRefusalAsync(caller with { Refusal = refusal }, "jwt", ct);
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
        }

        var svid = await _issuer.IssueJwtAsync(caller, entry, request.Audience.ToList(), ct);
        return new JWTSVIDResponse { Svids = { new JWTSVID { SpiffeId = svid.SpiffeId, Svid = svid.Token } } };
    }

    /// <summary>
    /// §6.2.3: validated by the JWT-SVID spec; the SPIFFE ID and the payload's claims, or InvalidArgument with the reason.
    /// A genuine SVID a revocation covers (its agent disabled, or it revoked by jti) is refused too, and recorded.
    /// </summary>
    public override async Task<ValidateJWTSVIDResponse> ValidateJWTSVID(ValidateJWTSVIDRequest request, ServerCallContext context)
    {
        if (request.Audience.Length == 0)
        {
            throw Invalid("audience must be specified: the audience this validator expects in aud");
        }

        if (request.Svid.Length == 0)
        {
            throw Invalid("svid must be specified: the JWT-SVID to validate, in compact serialization");
        }

        var result = await _validator.ValidateAsync(request.Svid, request.Audience);
        if (result.Failure is { } failure)
        {
            throw Invalid(failure);
        }

        if (await RevokedAsync(result, request.Audience, context) is { } revoked)
        {
            throw Invalid(revoked);
        }

        return new ValidateJWTSVIDResponse { SpiffeId = result.SpiffeId, Claims = JsonParser.Default.Parse<Struct>(result.PayloadJson) };
    }

    /// <summary>
    /// Why a valid SVID must not be vouched for, recorded first; null when no revocation covers it. Checked only after the
    /// signature verifies, so a forged <c>sub</c> never writes a record attributed to an agent.
    /// </summary>
    private async Task<string?> RevokedAsync(JwtSvidValidation result, string audience, ServerCallContext context)
    {
        var agent = result.SpiffeId!;
        // A JWT-SVID names no tenant, run or user: only its agent's kill switch or its own jti can cover it. Once the switch
        // is lifted, an SVID issued up to it stays revoked (as every credential the agent held then); one without iat
        // cannot be told apart from those, so it is refused too.
        var facts = new CredentialFacts(result.Jti ?? "", agent, Tenant: "", Run: "", User: null, result.IssuedAt ?? DateTimeOffset.MinValue);
        if (_revocations.Find(facts) is not { } revocation)
        {
            return null;
        }

        var reason = revocation switch
        {
            { Target: RevocationTarget.Agent, LiftedAt: null } =>
                $"agent '{agent}' is disabled (revocation {revocation.Id}): the kill switch revokes its SVIDs; none validates until an operator re-enables it with 'mandate agents enable'",
            { Target: RevocationTarget.Agent } =>
                $"the SVID was issued before agent '{agent}' was disabled (revocation {revocation.Id}): the kill switch revoked it for good; the agent fetches a new SVID",
            _ => $"the SVID was revoked (revocation {revocation.Id})",
        };
        await _attestation.RecordValidationRefusalAsync(
            context.GetHttpContext().Features.Get<WorkloadConnection>()?.Peer, agent, result.Jti, audience, reason, context.CancellationToken);
        return reason;
    }

    /// <summary>The caller's entry; otherwise the refusal is recorded and the call ends with PermissionDenied (§6).</summary>
    private async Task<(WorkloadCaller Caller, RegistrationEntry Entry)> EntitledAsync(ServerCallContext context, string svidType, CancellationToken ct)
    {
        var caller = await _attestation.AttestAsync(context.GetHttpContext().Features.Get<WorkloadConnection>()!, ct);
        if (caller.Entitled is { } entry)
        {
            return (caller, entry);
        }

        await _attestation.RecordRefusalAsync(caller, svidType, ct);
        throw new RpcException(new Status(StatusCode.PermissionDenied, caller.Refusal ?? "no registration entry matches this process"));
    }

    private async Task StreamBundlesAsync<T>(IServerStreamWriter<T> stream, Func<SpiffeKeys, T> build, CancellationToken ct)
    {
        while (true)
        {
            var keys = _authority.Current;
            await stream.WriteAsync(build(keys), ct);
            if (!await WaitForChangeAsync(keys.Sequence, DateTimeOffset.MaxValue, ct))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="until"/>, until the bundle's sequence moves past <paramref name="sequence"/>, or until
    /// <paramref name="wake"/> is cancelled, looking at the bundle once per <c>spiffe.bundle_refresh_hint</c> (the pace
    /// relying parties are told to keep); false when the client has gone or the broker is stopping.
    /// </summary>
    private async Task<bool> WaitForChangeAsync(long sequence, DateTimeOffset until, CancellationToken callEnded, CancellationToken wake = default)
    {
        // A stopping broker ends its streams at once (the clients reconnect, §4.3), rather than holding shutdown open.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(callEnded, _lifetime.ApplicationStopping, wake);
        var ct = stopping.Token;
        try
        {
            var hint = _options.Spiffe.BundleRefreshHint;
            for (var left = until - _time.GetUtcNow(); left > TimeSpan.Zero && _authority.Current.Sequence == sequence; left = until - _time.GetUtcNow())
            {
                await Task.Delay(left < hint ? left : hint, _time, ct);
            }

            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return !callEnded.IsCancellationRequested && !_lifetime.ApplicationStopping.IsCancellationRequested;
        }
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}

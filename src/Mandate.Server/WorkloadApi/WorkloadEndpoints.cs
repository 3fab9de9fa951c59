using System.Text.Json;
using System.Text.Json.Serialization;
using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.WorkloadApi;

/// <summary>
/// The local workload endpoint, served only on the workload Unix socket: a caller is attested from kernel
/// peer credentials, matched to a registration entry, and gets that entry's SVIDs; unmatched callers get
/// a 403 and nothing else. Every issuance and refusal is audited before the answer is sent.
/// </summary>
internal static class WorkloadEndpoints
{
    public const string X509Path = "/v1/svid/x509";
    public const string JwtPath = "/v1/svid/jwt";
    public const string BundlePath = "/v1/bundle";
    // Room for the longest audience with every character escaped (\uXXXX), and no more.
    internal const int MaxBodyBytes = 8 * 1024;
    // Exactly {"audience": "..."}: a misspelt, repeated or extra member is refused rather than read past.
    private static readonly JsonSerializerOptions BodyJson = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    public static void MapWorkloadApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<WorkloadConnection>() is { SpiffeEndpoint: false } ? await next(context) : Results.NotFound());
        group.MapGet("/svid/x509", X509Async);
        group.MapPost("/svid/jwt", JwtAsync);
        // RFC 9110 §9.1: a document anyone attested may read answers HEAD as GET. The SVID routes mint on every call, so they do not.
        group.MapGetAndHead("/bundle", (SpiffeAuthority authority) => Results.Content(authority.BundleJson, "application/json"));
    }

    private static async Task<IResult> X509Async(HttpContext http, WorkloadAttestation attestation, SvidIssuer issuer, SpiffeAuthority authority, CancellationToken ct)
    {
        var caller = await attestation.AttestAsync(http.Features.Get<WorkloadConnection>()!, ct);
        if (caller.Entitled is not { } entry)
        {
            await attestation.RecordRefusalAsync(caller, "x509", ct);
            return Refused(caller);
        }

        using var svid = await issuer.IssueX509Async(caller, entry, ct);
        NoStore(http);
        return Results.Json(new
        {
            spiffe_id = svid.SpiffeId,
            certificate_chain_pem = svid.CertificateChainPem(),
            private_key_pem = svid.PrivateKeyPem(),
            bundle_pem = authority.BundlePem,
            expires_at = svid.ExpiresAt,
        });
    }

    private static async Task<IResult> JwtAsync(HttpContext http, WorkloadAttestation attestation, SvidIssuer issuer, CancellationToken ct)
    {
        if (!http.Request.HasJsonContentType())
        {
            return ProblemChecks.Problem(WorkloadChecks.BodyInvalid, "unsupported media type", "send the body as Content-Type: application/json", StatusCodes.Status415UnsupportedMediaType);
        }

        if (await ClientRequestBody.ReadBoundedAsync(http.Request, MaxBodyBytes, ct) is not { } body)
        {
            return ProblemChecks.Problem(WorkloadChecks.BodyInvalid, "request body too large", $"the body is larger than {MaxBodyBytes} bytes; send only {{\"audience\": \"<who the token is for>\"}}", StatusCodes.Status413PayloadTooLarge);
        }

        JwtSvidRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<JwtSvidRequest>(body, BodyJson);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request?.Audience is not { Length: > 0 and <= JwtSvidAudience.MaxLength } audience || string.IsNullOrWhiteSpace(audience))
        {
            // JWT-SVID spec §3: aud is required; the workload names who the token is for.
            return ProblemChecks.Problem(WorkloadChecks.AudienceMissing, "invalid request", "send a JSON body {\"audience\": \"<who the token is for>\"} with no other member; audience is required (JWT-SVID spec §3)", StatusCodes.Status400BadRequest);
        }

        if (!JwtSvidAudience.IsValid(audience))
        {
            // RFC 7519 §2 (StringOrURI): a value holding ':' must be a URI; no control characters reach the token or the audit trail.
            return ProblemChecks.Problem(WorkloadChecks.AudienceInvalid, "invalid request", "audience must be a StringOrURI (RFC 7519 §2): an absolute URI such as https://api.example or spiffe://<trust-domain>/<path>, or a name without ':', with no control characters", StatusCodes.Status400BadRequest);
        }

        var caller = await attestation.AttestAsync(http.Features.Get<WorkloadConnection>()!, ct);
        if (caller.Entitled is not { } entry)
        {
            await attestation.RecordRefusalAsync(caller, "jwt", ct);
            return Refused(caller);
        }

        var svid = await issuer.IssueJwtAsync(caller, entry, [audience], ct);
        NoStore(http);
        return Results.Json(new { spiffe_id = svid.SpiffeId, token = svid.Token, expires_at = svid.ExpiresAt });
    }

    private static IResult Refused(WorkloadCaller caller) =>
        ProblemChecks.Problem(caller.CheckId, "no SVID for this process", caller.Refusal ?? "no registration entry matches this process", StatusCodes.Status403Forbidden);

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }
}

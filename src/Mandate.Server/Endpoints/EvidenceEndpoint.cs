using System.Text.Json;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Evidence;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Endpoints;

/// <summary>
/// POST /evidence: a workload from an issuer of kind <c>ci</c> (e.g. GitHub Actions OIDC) posts a fact such as
/// "evals passed for acme/shop@4f2a9c1", for a subject its issuer's evidence_subjects allow. Policies read the latest
/// result per kind for a request's evidence_subject.
/// </summary>
public static class EvidenceEndpoint
{
    public const string Path = "/evidence";

    // RFC 8259 §4: with a member given twice ("result": "fail", then "pass") readers disagree on the value; RFC 7493 §2.3
    // (I-JSON) forbids it. Such a fact is refused, as the admin and workload APIs refuse theirs.
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, AllowDuplicateProperties = false };

    public static async Task HandleAsync(HttpContext http, JwtAttestor attestor, EvidenceService evidence)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(attestor);
        ArgumentNullException.ThrowIfNull(evidence);
        var header = http.Request.Headers.Authorization.ToString();
        // RFC 9110 §11.1: the scheme is case-insensitive.
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6750 §3.1: a request without a bearer token is challenged without an error code.
            await OAuthResponses.WriteErrorAsync(http, EvidenceChecks.TokenMissing.Refuse("send the poster's identity token as 'Authorization: Bearer <jwt>' from an issuer trusted for evidence (kind: ci)"),
                challenge: OAuthResponses.RealmChallenge("Bearer"));
            return;
        }

        var token = header["Bearer ".Length..].Trim();
        if (!attestor.ClaimsIssuerOfKind(token, IssuerKind.Ci))
        {
            // RFC 6750 §3.1: a valid-looking caller without the right to do this is 403 (OAuthResponses.StatusFor).
            await OAuthResponses.WriteErrorAsync(http, EvidenceChecks.IssuerNotTrusted.Refuse("the token's issuer is not trusted to post evidence; add it under issuers with kind: ci"));
            return;
        }

        var poster = await attestor.AttestEvidencePosterAsync(token, http.RequestAborted);
        if (poster.Identity is not { } identity)
        {
            await OAuthResponses.WriteErrorAsync(http, EvidenceChecks.TokenInvalid.Refuse(poster.Failure ?? "the identity token is invalid"));
            return;
        }

        if (ContentCoding.RefuseCompressedBody(http.Request) is { } compressed)
        {
            await OAuthResponses.WriteErrorAsync(http, compressed);
            return;
        }

        if (await ClientRequestBody.ReadBoundedAsync(http.Request, FormReader.MaxBodyBytes, http.RequestAborted) is not { } body)
        {
            await OAuthResponses.WriteErrorAsync(http, ClientRequestBody.Refusal(StatusCodes.Status413PayloadTooLarge));
            return;
        }

        var (request, problem) = Read(body);
        if (request is null || problem is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, EvidenceChecks.BodyInvalid.Refuse(problem ?? "send a JSON object"));
            return;
        }

        // A store outage escapes to the host (StoreOutages): 503 store.unavailable, nothing recorded.
        if ((await evidence.RecordAsync(identity, request, http.RequestAborted)).Failed(out var refused, out var record))
        {
            await OAuthResponses.WriteErrorAsync(http, refused);
            return;
        }

        await OAuthResponses.WriteJsonAsync(http, StatusCodes.Status201Created, w =>
        {
            w.WriteString("id", record.Id);
            w.WriteString("kind", record.Kind);
            w.WriteString("subject", record.Subject);
            w.WriteString("result", record.Result);
            w.WriteString("posted_by", record.PostedBy);
        });
    }

    /// <summary>The fact and why it is refused, if it is (where the reader stopped, never what it read there).</summary>
    private static (EvidenceRequest? Request, string? Problem) Read(byte[] body)
    {
        const string Shape = "send {\"kind\": \"eval\", \"subject\": \"repo@commit\", \"result\": \"pass\"|\"fail\", \"details\": {...}}";

        // RFC 8259 §8.1: JSON text is UTF-8. The reader checks only the strings it decodes, so a member the fact does
        // not take would carry bytes that are not text past it.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return (null, "the body is not UTF-8 text; " + Shape);
        }

        try
        {
            return JsonSerializer.Deserialize<EvidenceRequest>(body, Json) is { } request ? (request, request.Validate()) : (null, "the body is null, not a JSON object; " + Shape);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (the reader stopped at line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            return (null, $"the body is not one JSON object with each member once{where}; {Shape}");
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Bench.Bare;

/// <summary>
/// POST /oauth2/token with the broker's form: verifies <c>actor_token</c> and <c>subject_token</c> and
/// signs one access token with a claim set like the broker's. Deliberately nothing else: no policy, no
/// store, no strict form parsing, so its throughput is the ceiling the broker is measured against. With
/// <c>--AuditDb</c> it also waits for one group-committed audit row per exchange (<see cref="GroupCommittedAuditRow"/>).
/// </summary>
internal sealed class CryptoFloorEndpoint : IDisposable
{
    public const string Path = "/oauth2/token";

    private readonly JsonWebTokenHandler _validator = new() { MapInboundClaims = false };
    private readonly JsonWebTokenHandler _signer = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TokenValidationParameters _workload;
    private readonly TokenValidationParameters _user;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly SigningCredentials _credentials;
    private readonly BareOptions _options;
    private readonly GroupCommittedAuditRow? _audit;

    public CryptoFloorEndpoint(BareOptions options)
    {
        _options = options;
        _workload = TokenValidation.For(options.WorkloadIssuer, options.WorkloadJwks, options.Audience);
        _user = TokenValidation.For(options.UserIssuer, options.UserJwks, options.Audience);
        _credentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = "bench" }, SecurityAlgorithms.EcdsaSha256);
        _audit = options.AuditDb is { } path ? new GroupCommittedAuditRow(path) : null;
    }

    public async Task HandleAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var actor = await _validator.ValidateTokenAsync(form["actor_token"].ToString(), _workload);
        var subject = await _validator.ValidateTokenAsync(form["subject_token"].ToString(), _user);
        if (!actor.IsValid || !subject.IsValid)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("""{"error":"invalid_request"}""", http.RequestAborted);
            return;
        }

        var agent = (string)actor.Claims["sub"];
        var user = (string)subject.Claims["sub"];
        var tenant = subject.Claims.TryGetValue("tenant", out var t) ? (string)t : "";
        var scope = form["scope"].ToString();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var jti = "jti_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var token = _signer.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "at+jwt",
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                ["iss"] = _options.Audience,
                ["sub"] = user,
                ["aud"] = form["resource"].ToString(),
                ["exp"] = now + _options.LifetimeSeconds,
                ["iat"] = now,
                ["nbf"] = now,
                ["jti"] = jti,
                ["client_id"] = agent,
                ["scope"] = scope,
                ["act"] = new Dictionary<string, object> { ["sub"] = agent },
                ["tenant"] = tenant,
                ["run"] = "run_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(8)),
                ["policy_version"] = "sha256:bench",
                ["decision_id"] = "dec_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            },
        });

        if (_audit is not null)
        {
            // About the size of the broker's issuance record: who, for whom, what, when.
            await _audit.WriteAsync(jti, $$"""{"kind":"issuance","agent":"{{agent}}","user":"{{user}}","tenant":"{{tenant}}","scope":"{{scope}}","jti":"{{jti}}","iat":{{now}}}""");
        }

        // RFC 8693 §2.2.1 response, uncacheable like the broker's.
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteString("access_token", token);
        w.WriteString("issued_token_type", "urn:ietf:params:oauth:token-type:access_token");
        w.WriteString("token_type", "Bearer");
        w.WriteNumber("expires_in", _options.LifetimeSeconds);
        w.WriteString("scope", scope);
        w.WriteEndObject();
        await w.FlushAsync(http.RequestAborted);
    }

    public void Dispose()
    {
        _audit?.Dispose();
        _key.Dispose();
    }
}

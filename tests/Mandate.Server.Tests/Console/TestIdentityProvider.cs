using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// The smallest OpenID provider the console's sign-in needs, on its own loopback Kestrel: discovery, JWKS, an
/// authorization endpoint that signs in <see cref="NextUser"/> at once, and a token endpoint that checks the PKCE
/// verifier (S256) and the redirect URI before it issues an RS256 ID token carrying the nonce.
/// </summary>
internal sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "mandate-console";
    public const string ClientSecret = "console-client-secret-7f3a9c";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string Nonce, string Challenge, string RedirectUri, TestUser User)> _codes = new();

    private TestIdentityProvider(WebApplication app) => _app = app;

    public Uri Issuer { get; private set; } = null!;

    /// <summary>Who the next authorization request signs in.</summary>
    public TestUser NextUser { get; set; } = new("alice-sub", "Alice Viewer", ["viewers"]);

    /// <summary>The <c>iss</c> of authorization responses (RFC 9207); null sends none. Defaults to <see cref="Issuer"/>.</summary>
    public string? ResponseIssuer { get; set; }

    /// <summary>Whether discovery says every authorization response carries <c>iss</c> (RFC 9207 §3).</summary>
    public bool AdvertisesResponseIssuer { get; set; } = true;

    /// <summary>The <c>issuer</c> its discovery document names; null names <see cref="Issuer"/>.</summary>
    public string? DiscoveryIssuer { get; set; }

    /// <summary>Whether ID tokens are signed; false issues them with <c>alg: none</c>.</summary>
    public bool SignsIdTokens { get; set; } = true;

    /// <summary>Claims that replace the ID token's own (nonce, aud, ...), to play a provider or attacker that gets them wrong.</summary>
    public Dictionary<string, object> IdTokenClaims { get; } = new(StringComparer.Ordinal);

    /// <summary>How far from now the ID token's <c>iat</c> is (the descriptor's time wins over a claim of that name).</summary>
    public TimeSpan IdTokenIssuedAtShift { get; set; }

    /// <summary>How long before now the ID token was made: its <c>iat</c>, <c>nbf</c> and five-minute <c>exp</c> move back by this.</summary>
    public TimeSpan IdTokenAge { get; set; }

    /// <summary>Whether ID tokens are HS256, keyed with the provider's published RSA key (algorithm confusion, RFC 8725 §2.1).</summary>
    public bool SignsWithPublicKeyAsHmac { get; set; }

    /// <summary>Every authorization request's query, as the console's challenge sent it.</summary>
    public List<IQueryCollection> AuthorizationRequests { get; } = [];

    /// <summary>Token requests refused (a wrong PKCE verifier or redirect URI).</summary>
    public int RefusedTokenRequests { get; private set; }

    /// <summary>Token requests received (codes the console redeemed or tried to).</summary>
    public int TokenRequests { get; private set; }

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var idp = new TestIdentityProvider(builder.Build());
        idp.Map();
        await idp._app.StartAsync();
        var address = idp._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        idp.Issuer = new Uri(address.TrimEnd('/') + "/idp");
        idp.ResponseIssuer = idp.Issuer.ToString();
        return idp;
    }

    private void Map()
    {
        // One JSON text: what a provider publishes.
        _app.MapGet("/idp/.well-known/openid-configuration", () => Results.Text($$"""
            {"issuer":"{{DiscoveryIssuer ?? Issuer.ToString()}}","authorization_endpoint":"{{Issuer}}/authorize","token_endpoint":"{{Issuer}}/token","jwks_uri":"{{Issuer}}/jwks",
             "response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"],"code_challenge_methods_supported":["S256"],
             "authorization_response_iss_parameter_supported":{{(AdvertisesResponseIssuer ? "true" : "false")}}}
            """, "application/json"));

        _app.MapGet("/idp/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.ExportParameters(false)) { KeyId = "idp-1" });
            return Results.Json(new { keys = new[] { new { kty = "RSA", kid = "idp-1", use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        _app.MapGet("/idp/authorize", (HttpContext http) =>
        {
            var q = http.Request.Query;
            AuthorizationRequests.Add(q);
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = (q["nonce"]!, q["code_challenge"]!, q["redirect_uri"]!, NextUser);
            var iss = ResponseIssuer is null ? "" : "&iss=" + Uri.EscapeDataString(ResponseIssuer);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"]!)}{iss}");
        });
        _app.MapPost("/idp/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            TokenRequests++;
            var verifier = form["code_verifier"].ToString();
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (!_codes.TryRemove(form["code"].ToString(), out var grant) || grant.Challenge != challenge || grant.RedirectUri != form["redirect_uri"]
                || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            {
                RefusedTokenRequests++;
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            return Results.Json(new { access_token = "idp-access-token-not-for-mandate", token_type = "Bearer", expires_in = 300, id_token = IdToken(grant.User, grant.Nonce) });
        });
    }

    private string IdToken(TestUser user, string nonce)
    {
        var now = DateTime.UtcNow - IdTokenAge;
        var claims = new Dictionary<string, object> { ["sub"] = user.Subject, ["name"] = user.Name, ["nonce"] = nonce, ["roles"] = user.Roles };
        foreach (var (name, value) in IdTokenClaims)
        {
            claims[name] = value;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer.ToString().TrimEnd('/'),
            Audience = IdTokenClaims.ContainsKey("aud") ? null : ClientId,
            IssuedAt = now + IdTokenIssuedAtShift,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = !SignsIdTokens ? null
                : SignsWithPublicKeyAsHmac ? new SigningCredentials(new SymmetricSecurityKey(_key.ExportSubjectPublicKeyInfo()) { KeyId = "idp-1" }, SecurityAlgorithms.HmacSha256)
                : new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "idp-1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }
}

/// <summary>A person at the test identity provider and the role-claim values they carry.</summary>
internal sealed record TestUser(string Subject, string Name, string[] Roles);

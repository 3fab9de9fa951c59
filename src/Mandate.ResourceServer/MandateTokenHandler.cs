using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mandate.SenderConstraint;
using Mandate.SenderConstraint.Jose;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer;

/// <summary>
/// Authenticates a request by the Mandate credential it presents: an RFC 9068 JWT access token signed by the broker
/// (keys from its JWKS), for this tool, not expired, bound to this caller when it carries <c>cnf</c>, and, when
/// configured, still active at the broker. Refusals follow RFC 6750 §3 and never echo the credential.
/// </summary>
internal sealed class MandateTokenHandler : AuthenticationHandler<MandateTokenOptions>
{
    private static readonly JsonWebTokenHandler Jwt = new() { MapInboundClaims = false };
    /// <summary>The binding of a tool credential certificate: the credential is the certificate, proven by the TLS handshake.</summary>
    private const string CertificateBinding = "x509";

    private readonly MandateTokenState _state;

    /// <summary>Created per request by ASP.NET Core authentication.</summary>
    public MandateTokenHandler(IOptionsMonitor<MandateTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder, MandateTokenState state)
        : base(options, logger, encoder)
    {
        _state = state;
    }

    internal MandateTokenState.Entry Shared => _state.For(Scheme.Name, Options, TimeProvider);

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        try
        {
            if (Request.Query.ContainsKey(FormBodyCredential.Parameter))
            {
                // RFC 6750 §2.3 / RFC 9700 §4.3.2: a token in the URL is written to every log on its way; §2: one method only.
                throw MandateTokenFailure.Request("an access_token in the query string is refused: it leaks into logs; send the credential only in the Authorization header");
            }

            var presented = PresentedCredential.Read(Request.Headers.Authorization, out var malformed);
            if (malformed is not null)
            {
                throw MandateTokenFailure.Request(malformed);
            }

            // The body is read only beside a header credential: a body access_token alone is no credential here (§2.2 is
            // a MAY; §3.1: an unsupported method gets no error code), and a request without one reads nothing.
            if (presented is not null && await FormBodyCredential.IsPresentAsync(Request))
            {
                // RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each request."
                throw MandateTokenFailure.Request("the request carries a credential both in the Authorization header and as access_token in the form body; "
                    + "RFC 6750 section 2 allows one method per request: remove access_token from the body");
            }

            CredentialClaims claims;
            string binding;
            if (presented is not null)
            {
                (claims, binding) = await ValidateAsync(presented);
            }
            else if (Options.AcceptToolCertificates && await Context.Connection.GetClientCertificateAsync(Context.RequestAborted) is { } certificate)
            {
                // No Authorization header: the TLS client certificate is the credential (a tool of kind x509).
                claims = await ToolCertificateValidator.ValidateAsync(certificate, Options, Shared.Bundle, TimeProvider.GetUtcNow(), Context.RequestAborted);
                binding = CertificateBinding;
            }
            else
            {
                return AuthenticateResult.NoResult();
            }

            MandateTokenLog.Accepted(Logger, claims.Jti, claims.Agent, claims.Tenant, binding);
            var identity = claims.ToIdentity(Scheme.Name, binding);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
        }
        catch (MandateTokenFailure failure)
        {
            MandateTokenLog.Refused(Logger, failure.Error, failure.Description);
            return AuthenticateResult.Fail(failure);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException or SecurityTokenException or InvalidCastException)
        {
            // Hostile shapes (wrong claim types, odd encodings) that slipped past the checks above are refusals, never 500s.
            // The exception is not logged: its message may quote parts of the credential.
            var failure = MandateTokenFailure.Token("the credential is malformed; get one from the broker's token endpoint");
            MandateTokenLog.Malformed(Logger);
            return AuthenticateResult.Fail(failure);
        }
        catch (BrokerUnavailableException e) when (e.IdentityRefused)
        {
            // The broker answered, so "unreachable" would mislead whoever reads the log: say it refused this service's identity.
            MandateTokenLog.IdentityRefused(Logger, e.Message);
            return AuthenticateResult.Fail(MandateTokenFailure.Unavailable("the credential cannot be confirmed at the broker right now; retry shortly"));
        }
        catch (BrokerUnavailableException e)
        {
            MandateTokenLog.BrokerUnavailable(Logger, e.Message);
            return AuthenticateResult.Fail(MandateTokenFailure.Unavailable("the credential cannot be checked right now (the broker is unreachable); retry shortly"));
        }
    }

    private async Task<(CredentialClaims Claims, string Binding)> ValidateAsync(PresentedCredential presented)
    {
        var ct = Context.RequestAborted;
        JsonWebToken token;
        try
        {
            token = Jwt.ReadJsonWebToken(presented.Token);
        }
        catch (ArgumentException)
        {
            throw MandateTokenFailure.Token("the credential is not a well-formed JWT; get one from the broker's token endpoint");
        }

        // Cheap header checks first, so forged tokens never trigger a key fetch.
        if (!Options.ValidAlgorithms.Contains(token.Alg, StringComparer.Ordinal))
        {
            throw MandateTokenFailure.Token($"alg '{Printable(token.Alg)}' is not accepted; Mandate credentials are signed with {string.Join(", ", Options.ValidAlgorithms)}");
        }

        if (!IsAccessTokenType(token.Typ))
        {
            throw MandateTokenFailure.Token("typ must be 'at+jwt' or 'application/at+jwt' (RFC 9068 section 4); this is not a Mandate access token (an identity token or run token is not a tool credential)");
        }

        // RFC 7515 §4.1.11 (crit), claim types, identity text and iat, before any key is fetched.
        var expectations = new IncomingJwtExpectations { IdentityClaims = ["client_id", "tenant", "run"], Now = TimeProvider.GetUtcNow(), ClockSkew = Options.ClockSkew };
        if (IncomingJwtRules.Check(token, expectations) is { } broken)
        {
            throw MandateTokenFailure.Token("the credential " + broken.Problem);
        }

        var keys = await Shared.Keys.GetAsync(token.Kid ?? "", ct);
        var key = keys.Find(token.Kid ?? "")
            ?? throw MandateTokenFailure.Token("the credential's signing key (kid) is not in the broker's JWKS; it was not issued by this broker, or its key was retired");
        if (!string.IsNullOrEmpty(key.Alg) && !string.Equals(key.Alg, token.Alg, StringComparison.Ordinal))
        {
            // RFC 8725 §3.1: each key is used with exactly one algorithm, the one its JWK names, whatever ValidAlgorithms allows.
            throw MandateTokenFailure.Token($"alg '{Printable(token.Alg)}' is not the algorithm of the broker's key '{Printable(token.Kid)}' ({key.Alg}); the credential was not signed by the broker");
        }


        var result = await Jwt.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Options.Issuer,
            ValidAudience = Options.Audience,
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidAlgorithms = Options.ValidAlgorithms,
            // typ was checked above as the media type it is (RFC 7515 §4.1.9); IdentityModel would compare it case-sensitively.
            TypeValidator = (typ, _, _) => typ,
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireAudience = true,
            // Lifetime is checked below on the handler's TimeProvider (this IdentityModel build reads the system clock).
            ValidateLifetime = false,
        });
        if (!result.IsValid)
        {
            throw Describe(result.Exception);
        }

        CheckLifetime(token);

        var claims = CredentialClaims.Read(token, Options.Audience);
        var binding = await Shared.Confirmation.CheckAsync(Context, token, presented);
        await IntrospectIfNeededAsync(presented.Token, claims, token.ValidTo, ct);
        return (claims, binding);
    }

    private async Task IntrospectIfNeededAsync(string token, CredentialClaims claims, DateTime expires, CancellationToken ct)
    {
        var introspection = Options.Introspection;
        var wanted = introspection.Mode switch
        {
            IntrospectionMode.Always => true,
            IntrospectionMode.OnlyForWrites => introspection.IsWrite(Request),
            _ => false,
        };
        if (!wanted)
        {
            return;
        }

        var endpoints = await Shared.Keys.EndpointsAsync(ct);
        var active = await Shared.Introspection.IsActiveAsync(endpoints.IntrospectionEndpoint!, token, claims.Jti, Options.Audience,
            new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)), ct);
        if (!active)
        {
            throw MandateTokenFailure.Token($"the broker reports credential {claims.Jti} inactive: revoked, its run ended, or its agent disabled; get a new credential (mandate audit query --jti {claims.Jti} says why)");
        }
    }

    private void CheckLifetime(JsonWebToken token)
    {
        var now = TimeProvider.GetUtcNow();
        if (!token.TryGetPayloadValue<long>("exp", out var exp))
        {
            throw MandateTokenFailure.Token("the credential has no exp; Mandate credentials always expire");
        }

        // RFC 7519 §4.1.4: reject on or after exp (allowing the configured skew).
        if (now >= DateTimeOffset.FromUnixTimeSeconds(exp) + Options.ClockSkew)
        {
            throw MandateTokenFailure.Token("the credential has expired; get a fresh one from the broker (credentials live minutes by design)");
        }

        // RFC 9068 §2.2: iat is required; every Mandate credential carries it.
        if (!token.TryGetPayloadValue<long>("iat", out _))
        {
            throw MandateTokenFailure.Token("the credential has no iat (RFC 9068 section 2.2 requires it); it is not a Mandate tool credential");
        }

        if (token.TryGetPayloadValue<long>("nbf", out var nbf) && now + Options.ClockSkew < DateTimeOffset.FromUnixTimeSeconds(nbf))
        {
            throw MandateTokenFailure.Token("the credential is not valid yet (nbf); check the clocks of the broker and this service");
        }
    }

    /// <summary>RFC 6750 §3: 401 with a WWW-Authenticate challenge (and a DPoP one, RFC 9449 §7.1).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var failure = result.Failure as MandateTokenFailure;
        await MandateChallenge.WriteAsync(Context, Options, failure?.Status ?? 401, failure?.Error, failure?.Description
            ?? "this API needs a Mandate credential: send 'Authorization: Bearer <credential>' for audience " + Options.Audience);
    }

    /// <summary>RFC 6750 §3.1: 403 insufficient_scope when authorization refused an authenticated credential.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        MandateChallenge.WriteAsync(Context, Options, 403, MandateTokenFailure.InsufficientScope, "the credential does not allow this operation");

    private MandateTokenFailure Describe(Exception? e) => e switch
    {
        SecurityTokenInvalidAudienceException => MandateTokenFailure.WrongAudience(Options.Audience),
        SecurityTokenInvalidIssuerException => MandateTokenFailure.Token($"the credential was not issued by '{Options.Issuer}'"),
        SecurityTokenInvalidAlgorithmException => MandateTokenFailure.Token($"the signature algorithm is not accepted; expected {string.Join(", ", Options.ValidAlgorithms)}"),
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => MandateTokenFailure.Token("the credential's signature does not verify with the broker's key; it was altered or forged"),
        _ => MandateTokenFailure.Token("the credential failed validation; get a fresh one from the broker"),
    };

    /// <summary>RFC 7515 §4.1.9: a media type, so case is ignored and <c>application/</c> may be left out.</summary>
    private static bool IsAccessTokenType(string? typ) =>
        string.Equals(typ, MandateTokenDefaults.AccessTokenType, StringComparison.OrdinalIgnoreCase)
        || string.Equals(typ, "application/" + MandateTokenDefaults.AccessTokenType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Attacker-controlled header values go into descriptions only short and printable.</summary>
    internal static string Printable(string? value) =>
        value is null ? "" : new string(value.Take(16).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+' ? c : '?').ToArray());
}

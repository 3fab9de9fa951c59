using System.CommandLine;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate token inspect</c>: decodes a Mandate credential and verifies it against a broker's JWKS.</summary>
internal static class TokenCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var token = new Argument<string>("token") { Description = "The access token (or - to read it from standard input)" };
        var broker = new Option<string?>("--broker", "-b")
        {
            Description = "Broker base URL whose metadata and JWKS to verify against. Default: the listen address of --config, else $MANDATE_URL, else the listen address of $MANDATE_CONFIG, else http://127.0.0.1:8080",
        };
        var config = new Option<string?>("--config", "-c")
        {
            Description = "Broker configuration file (YAML): verify against the broker it configures, at its listen address. Default: $MANDATE_CONFIG if set",
        };
        var claim = new Option<string?>("--claim")
        {
            Description = "Print only this claim's value once the token verifies, for scripts: txn (a run token's run id), run, jti, scope, ...",
        };
        var inspect = new Command("inspect", "Decode a credential or run token and verify its signature, issuer and expiry against a running broker") { token, broker, config, claim };
        inspect.SetAction(async (parse, ct) =>
        {
            var raw = parse.GetValue(token)!;
            if (raw == "-")
            {
                Output.PromptForInput("paste the token, then Enter and Ctrl-D");
                raw = (await Console.In.ReadToEndAsync(ct)).Trim();
            }

            var handler = new JsonWebTokenHandler { MapInboundClaims = false };
            if (Read(handler, raw) is not { } jwt)
            {
                return ExitCodes.Usage;
            }

            var brokerUrl = BrokerUrl(parse.GetValue(broker), parse.GetValue(config));
            if (brokerUrl is null)
            {
                return ExitCodes.Usage;
            }

            using var http = new HttpClient { BaseAddress = brokerUrl, Timeout = TimeSpan.FromSeconds(10) };
            string issuer;
            JsonWebKeySet jwks;
            try
            {
                using var metadata = JsonDocument.Parse(await http.GetStringAsync(".well-known/oauth-authorization-server", ct));
                issuer = metadata.RootElement.GetProperty("issuer").GetString()!;
                jwks = new JsonWebKeySet(await http.GetStringAsync(metadata.RootElement.GetProperty("jwks_uri").GetString(), ct));
            }
            catch (HttpRequestException e)
            {
                Output.Error($"cannot fetch the broker's metadata from {http.BaseAddress}: {TokenInspectMessages.Unreachable(e)}. Is the broker running there? Name it with --broker URL, $MANDATE_URL or -c CONFIG");
                // Nothing listening, or a broker answering 503, may answer later; any other failure is the wrong address.
                return e.InnerException is System.Net.Sockets.SocketException || e.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable
                    ? ExitCodes.Unavailable
                    : ExitCodes.Usage;
            }
            catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
            {
                Output.Error($"the broker at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s; check it is running there and try again");
                return ExitCodes.Unavailable;
            }

            var result = await handler.ValidateTokenAsync(raw, new TokenValidationParameters
            {
                ValidIssuer = issuer,
                ValidateAudience = false,
                // RFC 9068 §2.1: ES256, or RS256 for tools that ask for it; IdentityModel verifies each only with a key of its type.
                ValidAlgorithms = ["ES256", "RS256"],
                // Tool credentials (RFC 9068) and run tokens (Transaction Tokens draft): both are Mandate's own tokens.
                ValidTypes = ["at+jwt", "txntoken+jwt"],
                IssuerSigningKeys = jwks.Keys,
                ClockSkew = TimeSpan.Zero,
            });
            if (parse.GetValue(claim) is { } name)
            {
                return PrintClaim(jwt, name, result.IsValid ? null : TokenInspectMessages.Invalid(result, jwt, issuer, http.BaseAddress!));
            }

            Output.Line($"header   {Output.Escape(Base64UrlEncoder.Decode(jwt.EncodedHeader))}");
            Output.Plain(JsonSerializer.Serialize(JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload)).RootElement, Indented));
            if (result.IsValid)
            {
                Output.Line($"[green]valid[/]: signed by {Output.Escape(issuer)} key {Output.Escape(jwt.Kid)}, expires {jwt.ValidTo:u}");
                return ExitCodes.Ok;
            }

            Output.Line($"[red]invalid[/]: {Output.Escape(TokenInspectMessages.Invalid(result, jwt, issuer, http.BaseAddress!))}");
            return ExitCodes.Failed;
        });
        return new Command("token", "Work with issued credentials") { inspect };
    }

    /// <summary>The token decoded, or null (said why) when it is not a JWT at all: nothing to verify, so a usage error.</summary>
    private static JsonWebToken? Read(JsonWebTokenHandler handler, string raw)
    {
        if (!handler.CanReadToken(raw))
        {
            Output.Error("not a JWT: give the token itself (three base64url parts joined by dots), e.g. the access_token of the broker's answer");
            return null;
        }

        try
        {
            return handler.ReadJsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            // Shaped like a JWT, but its header or payload does not decode: never a stack trace for a token typed by hand.
            Output.Error("not a JWT: its header or payload is not base64url-encoded JSON; was the token cut short or changed when copied?");
            return null;
        }
    }

    /// <summary>
    /// Where to fetch the keys: --broker, else -c's listen address, else $MANDATE_URL, else $MANDATE_CONFIG's. Never the
    /// token's own <c>iss</c>: a token must not choose the keys it is verified with.
    /// </summary>
    private static Uri? BrokerUrl(string? explicitUrl, string? explicitConfig)
    {
        var url = explicitUrl;
        var configPath = explicitConfig;
        if (url is null && configPath is null)
        {
            url = Environment.GetEnvironmentVariable("MANDATE_URL");
            configPath = url is null ? Environment.GetEnvironmentVariable("MANDATE_CONFIG") : null;
        }

        if (url is null && configPath is not null)
        {
            if (CommonOptions.LoadConfig(configPath) is not { } options)
            {
                return null;
            }

            try
            {
                return ListenAddress.Parse(options.Listen, options.SenderConstraint.Tls is not null).LocalUrl;
            }
            catch (MandateConfigException e)
            {
                CommonOptions.Report(e, configPath);
                return null;
            }
        }

        if (!Uri.TryCreate((url ?? "http://127.0.0.1:8080").TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            Output.Error($"'{url}' is not a broker URL; give one like http://127.0.0.1:8080");
            return null;
        }

        return uri;
    }

    /// <summary>Only the value on standard output (nothing when the token does not verify), so <c>$(...)</c> captures exactly it.</summary>
    private static int PrintClaim(JsonWebToken jwt, string name, string? invalid)
    {
        if (invalid is not null)
        {
            Output.Error($"the token does not verify against the broker: {invalid}");
            return ExitCodes.Failed;
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        if (!payload.RootElement.TryGetProperty(name, out var value))
        {
            Output.Error($"the token has no '{name}' claim; its claims: {string.Join(", ", payload.RootElement.EnumerateObject().Select(p => p.Name))}");
            return ExitCodes.Failed;
        }

        Output.Plain(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
        return ExitCodes.Ok;
    }
}

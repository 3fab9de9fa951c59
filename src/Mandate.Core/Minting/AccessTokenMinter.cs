using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using C = Mandate.Core.Protocol.OAuthConstants.Claims;

namespace Mandate.Core.Minting;

/// <summary>
/// Signs RFC 9068 access tokens (<c>typ at+jwt</c>) with this node's active key: ES256, or RS256 for a tool that asks
/// for it (<see cref="RsaTokenKeyRing"/>).
/// </summary>
/// <remarks>
/// The claims are written straight into a reused buffer and the header is encoded once per key; IdentityModel signs
/// the JWS signing input with the key's own <see cref="SigningKey.Signer"/>.
/// A descriptor's dictionary of claims, serialised anew per token, was most of minting's cost besides the signature.
/// </remarks>
public sealed class AccessTokenMinter
{
    private const int MaxRetainedBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // JSON text as a JWT library writes it: escaped only where JSON requires ("typ":"at+jwt", not "at\u002Bjwt", and
    // non-ASCII as UTF-8). The default encoder's extra escaping is for embedding in HTML, which a base64url token never is.
    private static readonly JavaScriptEncoder Json = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private static readonly JsonSerializerOptions HeaderJson = new() { Encoder = Json };

    private readonly ConcurrentDictionary<(string Kid, string Algorithm), byte[]> _headers = new();
    private readonly SigningKeyRing _keys;
    private readonly RsaTokenKeyRing? _rsaKeys;
    private readonly string _issuer;

    /// <param name="keys">The ES256 keys.</param>
    /// <param name="issuer">The <c>iss</c> of every token.</param>
    /// <param name="rsaKeys">The RS256 keys; null when no tool asks for RS256.</param>
    public AccessTokenMinter(SigningKeyRing keys, string issuer, RsaTokenKeyRing? rsaKeys = null)
    {
        _keys = keys;
        _issuer = issuer;
        _rsaKeys = rsaKeys;
    }

    /// <summary>The key the next token will be signed with (its kid goes into the audit record).</summary>
    public SigningKey ActiveKey => _keys.Current.Active;

    /// <summary>Signs the token for <paramref name="tool"/> with the algorithm it asks for (<see cref="ToolOptions.SigningAlgorithm"/>).</summary>
    /// <exception cref="InvalidOperationException">The tool asks for RS256 and this minter has no RS256 keys.</exception>
    public (string Token, string Kid) Mint(CredentialClaims c, ToolOptions tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        // RFC 9068 §2.1: RS256 for the tools whose verifiers accept only it; ES256 (the hot path) costs this one comparison.
        return tool.SigningAlgorithm == TokenSigningAlgorithms.RS256
            ? Mint(c, (_rsaKeys ?? throw new InvalidOperationException($"tool {tool.Name} asks for RS256 but the broker holds no RS256 keys")).Current.Active)
            : Mint(c, ActiveKey);
    }

    /// <summary>Signs the token with <paramref name="key"/>.</summary>
    public (string Token, string Kid) Mint(CredentialClaims c, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(key);
        // The JWS signing input (RFC 7515 §5.1) is built as the ASCII bytes IdentityModel's signer takes, and the token
        // is widened to a string once: no intermediate strings of the header and payload.
        var header = _headers.GetOrAdd((key.Kid, key.Credentials.Algorithm), Header);
        var json = Payload(c);
        var input = new byte[header.Length + 1 + Base64Url.GetEncodedLength(json.Length)];
        header.CopyTo(input);
        input[header.Length] = (byte)'.';
        Base64Url.EncodeToUtf8(json, input.AsSpan(header.Length + 1));
        var signature = key.Signer.Sign(input);
        var token = string.Create(input.Length + 1 + Base64Url.GetEncodedLength(signature.Length), (input, signature), static (chars, parts) =>
        {
            Encoding.ASCII.GetChars(parts.input, chars);
            chars[parts.input.Length] = '.';
            Base64Url.EncodeToChars(parts.signature, chars[(parts.input.Length + 1)..]);
        });
        return (token, key.Kid);
    }

    private static byte[] Header((string Kid, string Algorithm) key) =>
        Base64Url.EncodeToUtf8(JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string>
            {
                ["alg"] = key.Algorithm,
                ["kid"] = key.Kid,
                ["typ"] = OAuthConstants.JwtTypes.AccessToken,
            },
            HeaderJson));

    /// <summary>The claims as JSON, in this thread's buffer: valid until the thread's next token.</summary>
    private ReadOnlySpan<byte> Payload(CredentialClaims c)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json });
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString(C.Issuer, _issuer);
        w.WriteString(C.Subject, c.Subject);
        w.WriteString(C.Audience, c.Audience);
        w.WriteNumber(C.Expires, c.ExpiresAt.ToUnixTimeSeconds());
        w.WriteNumber(C.IssuedAt, c.IssuedAt.ToUnixTimeSeconds());
        w.WriteNumber(C.NotBefore, c.IssuedAt.ToUnixTimeSeconds());
        w.WriteString(C.JwtId, c.Jti);
        w.WriteString(C.ClientId, c.Agent);
        w.WriteString(C.Scope, c.Scope);
        Runs.ActorChain.Write(w, c.Actors);
        w.WriteString(C.Tenant, c.Tenant);
        w.WriteString(C.Run, c.Run);
        w.WriteString(C.PolicyVersion, c.PolicyVersion);
        w.WriteString(C.DecisionId, c.DecisionId);
        if (c.AuthorizationDetails is { Count: > 0 } details)
        {
            WriteValue(w, C.AuthorizationDetails, ClaimValues.ToClaim(details));
        }

        if (c.Confirmation is { IsEmpty: false } cnf)
        {
            WriteValue(w, Mandate.SenderConstraint.ConfirmationNames.Cnf, cnf.ToClaimValue());
        }

        if (c.ApprovalId is not null)
        {
            w.WriteStartObject(C.Approval);
            w.WriteString("id", c.ApprovalId);
            w.WriteString("approver", c.Approver ?? "");
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.Flush();
        var payload = buffer.WrittenSpan;
        if (buffer.Capacity > MaxRetainedBufferBytes)
        {
            // Too large to keep for the thread's next token; this one still reads it.
            (t_buffer, t_writer) = (null, null);
        }

        return payload;
    }

    // Nested claim values (maps, lists, scalars) by their runtime types, as a JWT library writes them.
    private static void WriteValue(Utf8JsonWriter w, string name, object value)
    {
        w.WritePropertyName(name);
        JsonSerializer.Serialize(w, value, value.GetType());
    }
}

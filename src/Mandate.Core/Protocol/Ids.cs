using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Protocol;

/// <summary>Unguessable identifiers (128 random bits, base64url) with a readable prefix: <c>dec_…</c>, <c>run_…</c>.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16))}";
}

using System.Security.Cryptography;
using System.Text;

namespace Mandate.Credentials.Postgres;

/// <summary>
/// Turns a password into PostgreSQL's SCRAM-SHA-256 verifier (RFC 5802 §3, RFC 7677), so CREATE ROLE sends
/// the server only the verifier: the plaintext never reaches the server's statement log.
/// </summary>
internal static class ScramVerifier
{
    private const int Iterations = 4096;

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        CryptographicOperations.ZeroMemory(salted);
        // Base64's alphabet has no quote, so the verifier is safe inside a SQL string literal.
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}

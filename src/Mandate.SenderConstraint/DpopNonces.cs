using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint;

/// <summary>
/// Stateless server nonces for DPoP (RFC 9449 §8): the nonce is an HMAC of the current time step
/// under a server secret, so any replica holding the secret can check it without storage. A nonce
/// is accepted during its own step and the next one, so it lives between one and two steps.
/// </summary>
public sealed class DpopNonces
{
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly long _stepTicks;

    /// <param name="key">HMAC-SHA256 secret of at least 32 bytes, from <see cref="RandomNumberGenerator"/>.</param>
    /// <param name="time">Clock.</param>
    /// <param name="step">How often the nonce rotates. Default (null) 5 minutes.</param>
    public DpopNonces(byte[] key, TimeProvider time, TimeSpan? step = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, 32);
        var stepValue = step ?? TimeSpan.FromMinutes(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stepValue, TimeSpan.Zero);
        _key = (byte[])key.Clone();
        _time = time;
        _stepTicks = stepValue.Ticks;
    }

    /// <summary>The nonce to hand out now (in a <c>DPoP-Nonce</c> response header).</summary>
    public string Current() => ForStep(CurrentStep());

    /// <summary>True when <paramref name="nonce"/> was issued in this step or the previous one.</summary>
    public bool IsAcceptable(string nonce)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        var step = CurrentStep();
        var given = Encoding.ASCII.GetBytes(nonce);
        return CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(ForStep(step)))
            || CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(ForStep(step - 1)));
    }

    private long CurrentStep() => _time.GetUtcNow().UtcTicks / _stepTicks;

    private string ForStep(long step)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, step);
        return Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, message));
    }
}

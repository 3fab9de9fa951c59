using System.Diagnostics.CodeAnalysis;

namespace Mandate.Core.Protocol;

/// <summary>
/// What a stage returns: an immutable value, or the OAuth error that refused the request. Read it with
/// <see cref="Failed"/>, so the compiler knows which of the two is set.
/// </summary>
public readonly struct Result<T>
    where T : notnull
{
    private readonly T? _value;
    private readonly OAuthError? _error;

    public Result(T value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    public Result(OAuthError error) => _error = error ?? throw new ArgumentNullException(nameof(error));

#pragma warning disable CA2225 // the constructors are the named alternatives
    public static implicit operator Result<T>(T value) => new(value);

    public static implicit operator Result<T>(OAuthError error) => new(error);
#pragma warning restore CA2225

    /// <summary>True with <paramref name="error"/> set when the stage refused; false with <paramref name="value"/> set otherwise.</summary>
    public bool Failed([NotNullWhen(true)] out OAuthError? error, [NotNullWhen(false)] out T? value)
    {
        error = _error;
        value = _value;
        return _error is not null;
    }
}

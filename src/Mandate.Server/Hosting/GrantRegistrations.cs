using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Hosting;

/// <summary>
/// The grant handlers in the order they are asked "is this mine?": the order of the
/// <see cref="MandateBuilder.AddGrant{T}"/> calls, each type once.
/// </summary>
public sealed class GrantRegistrations
{
    private readonly List<Type> _types = [];

    /// <summary>The registered handler types, in registration order.</summary>
    public IReadOnlyList<Type> Types => _types;

    /// <summary>Adds <paramref name="type"/> at the end unless it is already registered; true when added.</summary>
    internal bool Add(Type type)
    {
        if (_types.Contains(type))
        {
            return false;
        }

        _types.Add(type);
        return true;
    }

    /// <summary>
    /// The handlers, resolved in registration order, as <typeparamref name="THandler"/> (the grant handler
    /// contract). A registered type that does not implement it is a wiring bug, reported at resolution.
    /// </summary>
    public IReadOnlyList<THandler> Resolve<THandler>(IServiceProvider services)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return [.. _types.Select(t => services.GetRequiredService(t) as THandler
            ?? throw new InvalidOperationException($"grant {t.Name} does not implement {typeof(THandler).Name}"))];
    }
}

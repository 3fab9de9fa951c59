namespace Mandate.Examples.Mcp;

/// <summary>The example's orders, in memory: a few seeded ones and the refunds issued against them.</summary>
public sealed class OrderBook
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Order> _orders = new(StringComparer.Ordinal)
    {
        ["o-1001"] = new("o-1001", "acme", 120.00m, "EUR", 0m),
        ["o-1002"] = new("o-1002", "acme", 35.50m, "EUR", 0m),
        ["o-2001"] = new("o-2001", "globex", 990.00m, "USD", 0m),
    };

    private int _refunds;

    /// <summary>The order, or null when there is none with that id.</summary>
    public Order? Find(string orderId)
    {
        lock (_lock)
        {
            return _orders.GetValueOrDefault(orderId);
        }
    }

    /// <summary>Refunds <paramref name="amount"/> of the order; the refund id, or why not.</summary>
    public (string? RefundId, string? Refusal) Refund(string orderId, decimal amount)
    {
        lock (_lock)
        {
            if (!_orders.TryGetValue(orderId, out var order))
            {
                return (null, $"no order '{orderId}'");
            }

            if (amount <= 0 || amount > order.Amount - order.Refunded)
            {
                return (null, $"amount must be more than 0 and at most {order.Amount - order.Refunded} {order.Currency}");
            }

            _orders[orderId] = order with { Refunded = order.Refunded + amount };
            return ($"r-{++_refunds:D4}", null);
        }
    }

    /// <summary>One order.</summary>
    public sealed record Order(string OrderId, string Tenant, decimal Amount, string Currency, decimal Refunded);
}

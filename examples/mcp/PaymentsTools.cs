using System.ComponentModel;
using Mandate.ResourceServer;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Mandate.Examples.Mcp;

/// <summary>
/// The example's MCP tools. Scopes are not checked here: <c>RequireMandateToolScopes</c> refuses a call before the
/// SDK runs it. The tools only use what the credential says about the caller (tenant, agent, run).
/// </summary>
[McpServerToolType]
public sealed class PaymentsTools
{
    /// <summary>The read-only tool's MCP name.</summary>
    public const string LookupOrderName = "lookup_order";

    /// <summary>The refund tool's MCP name.</summary>
    public const string RefundName = "refund";

    private readonly OrderBook _orders;
    private readonly IHttpContextAccessor _http;

    /// <summary>Tools resolve per call from DI.</summary>
    public PaymentsTools(OrderBook orders, IHttpContextAccessor http)
    {
        _orders = orders;
        _http = http;
    }

    /// <summary>An order's amount, currency and what has been refunded (needs orders:read).</summary>
    [McpServerTool(Name = LookupOrderName, ReadOnly = true, Idempotent = true), Description("Look up an order: amount, currency and how much has been refunded.")]
    public string LookupOrder([Description("The order id, e.g. o-1001.")] string order_id)
    {
        var order = VisibleOrder(order_id);
        return order is null
            ? $"no order '{order_id}' in this tenant"
            : $"order {order.OrderId}: {order.Amount} {order.Currency}, refunded {order.Refunded} {order.Currency}";
    }

    /// <summary>Refunds part or all of an order (needs refunds:write).</summary>
    [McpServerTool(Name = RefundName, Destructive = true), Description("Refund an amount of an order to the customer.")]
    public string Refund([Description("The order id, e.g. o-1001.")] string order_id, [Description("The amount to refund, in the order's currency.")] decimal amount)
    {
        if (VisibleOrder(order_id) is null)
        {
            throw new McpException($"no order '{order_id}' in this tenant");
        }

        var (refundId, refusal) = _orders.Refund(order_id, amount);
        if (refusal is not null)
        {
            throw new McpException(refusal);
        }

        var caller = _http.HttpContext?.User;
        return $"refund {refundId} of {amount} for order {order_id} issued by {caller?.GetMandateAgent()} in run {caller?.GetMandateRun()}";
    }

    /// <summary>Orders of the credential's tenant only: a credential for one tenant never reads another's.</summary>
    private OrderBook.Order? VisibleOrder(string orderId) =>
        _orders.Find(orderId) is { } order && order.Tenant == _http.HttpContext?.User.GetMandateTenant() ? order : null;
}

namespace Chat.Presence.Tickets;

/// <summary>
/// One-use tickets that open a WebSocket (issue 18): a browser cannot set headers on the upgrade, and
/// a ticket in the URL, unlike an access token, is worthless once used or after
/// <see cref="PresenceOptions.TicketLifetime"/>. Kept where every gateway node sees them (Redis in
/// distributed mode), so any node may redeem what another issued — and only one of them.
/// </summary>
public interface ISocketTickets
{
    /// <summary>A new ticket for <paramref name="username"/>, valid once within <paramref name="lifetime"/>.</summary>
    Task<string> IssueAsync(string username, TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>The ticket's user, and the ticket gone; null for an unknown, used or expired ticket.</summary>
    Task<string?> RedeemAsync(string ticket, CancellationToken cancellationToken = default);
}

internal static class SocketTicket
{
    public const string Prefix = "wst_";

    /// <summary>Stored by hash: a copy of the store (or a Redis MONITOR) holds nothing that opens a socket.</summary>
    public static string Key(string ticket) => "ws-ticket:" + Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ticket)));

    public static string New() => Prefix + System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Anything that is not the shape of a ticket is refused before a store is asked.</summary>
    public static bool LooksValid(string ticket) => ticket.StartsWith(Prefix, StringComparison.Ordinal) && ticket.Length is > 20 and < 100;
}

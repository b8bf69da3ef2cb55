using Chat.Auth;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Chat.Presence.Gateway;

/// <summary>Tells the log (chat.presence) and the user's conversation peers (but those the user blocked) that the user came online or went offline.</summary>
internal sealed class PresenceAnnouncer(
    EventProducer producer, IMessageStore store, IBlockDirectory blocks, LivePush live, IOptions<PresenceOptions> options, TimeProvider clock, ILogger<PresenceAnnouncer> logger)
{
    public async Task AnnounceAsync(string username, bool online, DateTimeOffset? lastSeen, CancellationToken cancellationToken)
    {
        var status = online ? "online" : "offline";
        var at = clock.GetUtcNow();
        try
        {
            await producer.ProduceAsync(Topics.Presence, username,
                new PresenceEvent { Username = username, Status = status, Node = options.Value.NodeId, At = Timestamp.FromDateTimeOffset(at) },
                EventTypes.Presence, $"{username}/{status}/{at.ToUnixTimeMilliseconds()}", cancellationToken);
            // Those the user blocked do not see their presence (issue 16).
            var blocked = await blocks.BlockedByAsync(username, cancellationToken);
            var peers = (await store.PeersOfAsync(username, cancellationToken)).Where(p => !blocked.Contains(p)).ToList();
            await live.SendAsync(peers, Frames.PresenceUpdate(username, status, lastSeen ?? at), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Presence is advisory: a lost announcement must not break the connection it is about.
            logger.LogWarning(e, "Could not announce {User} {Status}", username, status);
        }
    }
}

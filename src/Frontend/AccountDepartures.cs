using System.Security.Cryptography;
using System.Text;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Frontend;

/// <summary>
/// A deleted account leaves every group it is in, as if it left each itself: a <c>member.left</c>
/// change on chat.messages per group, which the Router decides and stores as a system message in the
/// group's order (an owner's leaving hands the group on, <see cref="GroupRules"/>). The change's id is
/// derived from the deletion, so a deletion read twice is the same change twice, which the Router stores once.
/// </summary>
internal sealed class AccountDepartures(IMessageStore store, MessageSender sender) : IAccountDeletionHandler
{
    public static string ConsumerGroup => "chat-frontend-accounts";

    public async Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        foreach (var conversationId in await store.GroupsOfAsync(username, cancellationToken))
        {
            var change = new ConversationChange
            {
                Kind = ChangeKinds.MemberLeft, Actor = username, Target = username, AcceptedAt = Timestamp.FromDateTimeOffset(deletedAt),
            };
            await sender.SendChangeAsync(ConversationEvents.Of(EventIdOf(username, conversationId, deletedAt), conversationId, change), cancellationToken);
        }
    }

    /// <summary>A UUID from the deletion and the group: the same for every reading of the same deletion.</summary>
    private static string EventIdOf(string username, string conversationId, DateTimeOffset deletedAt) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"account-deleted/{username}/{conversationId}/{deletedAt.ToUnixTimeMilliseconds()}"))[..16]).ToString();
}

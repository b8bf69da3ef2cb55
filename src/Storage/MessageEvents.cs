using Chat.Shared.Events;
using Google.Protobuf.WellKnownTypes;

namespace Chat.Storage;

public static class MessageEvents
{
    /// <summary>The event the Frontend (or an inbound connector) puts on chat.messages for an accepted message.</summary>
    public static MessageEvent ToEvent(this NewMessage message) => new()
    {
        MessageId = message.MessageId,
        ConversationId = message.ConversationId,
        From = message.From,
        To = { message.To },
        Channels = { message.Channels },
        Payload = ToPayload(message.Payload),
        AcceptedAt = Timestamp.FromDateTimeOffset(message.AcceptedAt),
        ToEveryone = message.ToEveryone,
        ReplyTo = message.ReplyTo ?? "",
        ThreadRoot = message.ThreadRoot ?? "",
        AlsoSendToConversation = message.AlsoToConversation,
        Mentions = { message.Mentions ?? [] },
    };

    public static Payload ToPayload(MessagePayload payload)
    {
        var result = new Payload { Type = payload.Type };
        if (payload.Text is { } text) result.Text = text;
        if (payload.FileId is { } fileId) result.FileId = fileId;
        if (payload.File is { } file)
            result.File = new Chat.Shared.Events.FileSummary { FileName = file.FileName, ContentType = file.ContentType, Size = file.Size, Sha256 = file.Sha256 };
        foreach (var c in payload.Ciphertexts ?? []) result.Ciphertexts.Add(new DeviceCiphertext { DeviceId = c.DeviceId, Type = c.Type, Body = c.Body });
        return result;
    }

    public static MessagePayload FromPayload(Payload payload) => new(payload.Type,
        payload.Text.Length > 0 ? payload.Text : null, payload.FileId.Length > 0 ? payload.FileId : null,
        payload.File is { } f ? new FileSummary(f.FileName, f.ContentType, f.Size, f.Sha256) : null,
        Ciphertexts: payload.Ciphertexts.Count > 0 ? payload.Ciphertexts.Select(c => new Ciphertext(c.DeviceId, c.Type, c.Body)).ToList() : null);
}

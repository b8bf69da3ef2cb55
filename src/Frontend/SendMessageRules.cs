using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>What a message must look like (docs/api.md, "Conversations and messages").</summary>
internal static class SendMessageRules
{
    public static ValidationErrors CheckShape(SendMessageRequest body, MessagesOptions limits)
    {
        var errors = new ValidationErrors();
        if (body.MessageId is not null && !Ids.IsValidClientId(body.MessageId))
            errors.Add("message_id", "Must be 1–128 characters of letters, digits and '-', '_', '.', ':'.");
        if (string.IsNullOrWhiteSpace(body.ConversationId)) errors.Add("conversation_id", "Is required.");
        if (string.IsNullOrWhiteSpace(body.From)) errors.Add("from", "Is required: your username.");
        if (body.To is { Count: 0 }) errors.Add("to", "Must name at least one recipient, or be left out to mean every other member.");
        if (body.To is { } to)
        {
            if (to.Count > limits.MaxRecipients) errors.Add("to", $"Must name at most {limits.MaxRecipients} recipients.");
            for (var i = 0; i < to.Count; i++)
                if (string.IsNullOrWhiteSpace(to[i])) errors.Add($"to[{i}]", "Must be a username.");
        }
        if (body.Channels is { } channels)
            for (var i = 0; i < channels.Count; i++)
                if (channels[i] is not { } channel || !Channels.Supported.Contains(channel))
                    errors.Add($"channels[{i}]", $"Must be one of: {string.Join(", ", Channels.Supported)}.");
        if (body.ReplyTo is not null && !Ids.IsValidClientId(body.ReplyTo)) errors.Add("reply_to", "Must be the message_id of a message of this conversation.");
        CheckPayload(body.Payload, limits, errors);
        return errors;
    }

    private static void CheckPayload(PayloadBody? payload, MessagesOptions limits, ValidationErrors errors)
    {
        switch (payload)
        {
            case null:
                errors.Add("payload", "Is required: {\"type\":\"text\",\"text\":\"…\"}.");
                break;
            case { Type: "text" }:
                if (string.IsNullOrEmpty(payload.Text)) errors.Add("payload.text", "Is required for a text message.");
                else if (payload.Text.Length > limits.MaxTextLength) errors.Add("payload.text", $"Must be at most {limits.MaxTextLength} characters.");
                break;
            case { Type: "file" }:
                if (string.IsNullOrWhiteSpace(payload.FileId)) errors.Add("payload.file_id", "Is required for a file message: the file_id POST /v1/files/initiate gave.");
                if (payload.Text is { } caption && caption.Length > limits.MaxTextLength) errors.Add("payload.text", $"A caption must be at most {limits.MaxTextLength} characters.");
                break;
            case { Type: MessagePayload.EncryptedType }:
                CheckCiphertexts(payload, errors);
                break;
            default:
                errors.Add("payload.type", payload.Type is null ? "Is required: 'text', 'file' or 'encrypted'." : "Must be 'text', 'file' or 'encrypted'.");
                break;
        }
    }

    /// <summary>Most devices one encrypted message carries a copy for.</summary>
    public const int MaxCiphertexts = 100;

    /// <summary>An encrypted message (issue 21) is only its ciphertexts, which the server never reads: no text beside them.</summary>
    private static void CheckCiphertexts(PayloadBody payload, ValidationErrors errors)
    {
        if (payload.Text is not null) errors.Add("payload.text", "An encrypted message has no text: put it, encrypted, in ciphertexts.");
        if (payload.FileId is not null) errors.Add("payload.file_id", "An encrypted message has no file_id.");
        if (payload.Ciphertexts is not { Count: > 0 and <= MaxCiphertexts } copies)
        {
            errors.Add("payload.ciphertexts", $"Is required for an encrypted message: 1 to {MaxCiphertexts} {{\"device_id\",\"type\",\"body\"}}.");
            return;
        }
        for (var i = 0; i < copies.Count; i++)
        {
            if (copies[i] is not { } copy)
            {
                errors.Add($"payload.ciphertexts[{i}]", "Must be {\"device_id\",\"type\",\"body\"}.");
                continue;
            }
            if (string.IsNullOrEmpty(copy.DeviceId)) errors.Add($"payload.ciphertexts[{i}].device_id", "Is required: the device this copy is for.");
            if (string.IsNullOrEmpty(copy.Type)) errors.Add($"payload.ciphertexts[{i}].type", "Is required (e.g. 'prekey' or 'message').");
            if (string.IsNullOrEmpty(copy.Body)) errors.Add($"payload.ciphertexts[{i}].body", "Is required: the ciphertext.");
        }
    }

    /// <summary>The named recipients, or every other member when none are named; each must be a member.</summary>
    public static IReadOnlyList<string> Recipients(SendMessageRequest body, Conversation conversation, string sender, ValidationErrors errors)
    {
        if (body.To is null) return conversation.Members.Where(m => m != sender).ToList();
        var recipients = new List<string>();
        for (var i = 0; i < body.To.Count; i++)
        {
            var name = body.To[i]!.Trim().ToLowerInvariant();
            if (!conversation.HasMember(name)) errors.Add($"to[{i}]", $"'{body.To[i]}' is not a member of this conversation.");
            else if (!recipients.Contains(name)) recipients.Add(name);
        }
        return recipients;
    }
}

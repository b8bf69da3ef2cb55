using Chat.Notifications;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddNotifications();

var app = builder.Build();
app.UseServiceDefaults();
app.MapNotifications();
app.RunOrExplain();

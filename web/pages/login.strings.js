// The strings of the login page (login.js): key → [zh-CN, English].
// Looked up with t() (i18n.js), which merges every page's strings into one table.
export default {
  'login.title': ['登录', 'Log in'],
  'login.intro': ['请使用平台分配的账号登录。', 'Log in with the account the platform gave you.'],
  'login.user': ['用户名', 'User name'],
  'login.pass': ['密码', 'Password'],
  'login.submit': ['登录', 'Log in'],
  'login.busy': ['正在登录…', 'Logging in…'],
  'login.required': ['请输入用户名和密码。', 'Enter a user name and a password.'],
  'login.footer': ['重庆市产业链链长制工作平台', 'Chongqing chain-chief platform'],
};

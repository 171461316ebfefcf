"""The texts of the kiosk's pickup screen (取件, pickup.js and its partials), as Chinese
msgids; translations in ``kiosk/translations/<lang>/LC_MESSAGES/messages.po``."""

PICKUP_TEXTS: tuple[str, ...] = (
    "取件",
    "已受理的办件，凭受理回执领取结果",
    "请将受理回执上的二维码对准扫码口，或输入办件编号",
    "确定",
    "没有找到该办件，请核对办件编号",
    "该办件的结果已经领取",
    "该办件尚在办理中，承诺 {due} 前办结，请届时再来",
    "办件编号格式不正确，请核对",
)

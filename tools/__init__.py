# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause
